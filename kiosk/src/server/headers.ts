// Headers on everything the kiosk server sends: the screen loads only its own files, talks only
// to the broker's WebSocket, and cannot be framed.

/**
 * The one inline stylesheet the screen accepts, by its hash: React Aria's usePress adds
 * `[data-react-aria-pressable] { touch-action: pan-x pan-y pinch-zoom }` in a <style> element.
 * A React Aria upgrade that changes that text shows as a CSP violation in the Chromium tests.
 */
export const REACT_ARIA_PRESS_STYLE_HASH = "'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='";

/** The policy the page's own <meta> carries too (a <meta> policy cannot say frame-ancestors). */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${REACT_ARIA_PRESS_STYLE_HASH}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const CONTENT_SECURITY_POLICY = `${PAGE_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
};
