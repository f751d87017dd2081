import type { ReactNode } from 'react';
import type { Failure } from '../../src/contract';

/** Shown while a screen's data loads. */
export function Loading({ label }: { label: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** An expected failure with its next step, and a retry when one helps. */
export function FailureNotice({
  failure,
  onRetry,
}: {
  failure: Failure;
  onRetry?: () => void;
}) {
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{failure.message}</p>
      <p>{failure.nextStep}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** What a screen says when it has nothing to show yet. */
export function Empty({
  title,
  children,
}: {
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}
