import { Dialog } from '../../components/Dialog';

/** A link that was refused: the reason, and a way to put it away. */
export function RefusedLink({
  refusal,
  busy,
  onDismiss,
}: {
  refusal: string;
  busy: boolean;
  onDismiss: () => void;
}) {
  return (
    <Dialog title="A key request was refused" onCancel={onDismiss}>
      <p>{refusal}</p>
      <p className="muted">
        Nothing was created. The app that sent the link was told why
        (invalid_request), when it gave a callback that could be reached.
      </p>
      <div className="actions">
        <button type="button" onClick={onDismiss} disabled={busy}>
          Dismiss
        </button>
      </div>
    </Dialog>
  );
}
