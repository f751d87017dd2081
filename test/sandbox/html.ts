/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A whole page in the sandbox's plain BTCPay-like frame. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)} - BTCPay Server (sandbox)</title>
<link rel="icon" href="data:,">
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

/** A hidden form field. */
export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** A status message box, as BTCPay shows after a redirect. */
export function statusMessage(
  flash: { kind: 'success' | 'error'; text: string } | null,
): string {
  if (!flash) return '';
  return `<div id="StatusMessage" role="alert" data-kind="${flash.kind}">${escapeHtml(flash.text)}</div>`;
}
