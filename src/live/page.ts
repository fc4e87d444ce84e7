/**
 * The live page (`GET /live`): one self-contained document, its styles and script inline. It
 * carries no data of its own; everything it shows arrives on its event stream, so the page is
 * the same bytes for every service and is made once. Its Content-Security-Policy allows the
 * inline script and styles by their hashes and connections to its own origin only: the browser
 * itself then refuses any other fetch.
 */
import { createHash } from 'node:crypto';
import { LIVE_SCRIPT } from './page-script.ts';
import { LIVE_STYLES } from './styles.ts';

const BODY = `<header>
<h1><span id="service">amanuensis</span> live <span id="status" class="status">connecting</span></h1>
<p class="muted">Updated <span id="updated">–</span>; statistics since <span id="since">–</span>. Dropped spans: <span id="dropped">–</span>.</p>
</header>
<main>
<div class="numbers">
<div><b id="rps">–</b><span>requests/s, last 5 s</span></div>
<div><b id="p50">–</b><span>p50 ms, last second</span></div>
<div><b id="p99">–</b><span>p99 ms, last second</span></div>
<div><b id="total">–</b><span>requests since start</span></div>
</div>
<div class="grid">
<figure><svg id="throughput" class="series" viewBox="0 0 600 170" role="img" aria-label="requests per second, last minute"></svg>
<figcaption>Throughput over the last minute: requests finished per second.</figcaption></figure>
<figure><svg id="latency" class="series" viewBox="0 0 600 170" role="img" aria-label="latency, last minute"></svg>
<figcaption class="legend">Latency over the last minute: <span class="p50">p50</span> and <span class="p99">p99</span> of the requests finished each second.</figcaption></figure>
</div>
<h2>Requests</h2>
<div class="panel"><table><thead><tr><th>root</th><th class="num">requests</th><th class="num">unattributed ms p50 / p99</th><th class="num">unattributed share p50 / p99</th><th class="num">slow from ms</th><th class="num">slow vs baseline</th><th>tail's extra time goes to</th></tr></thead><tbody id="requests-body"></tbody></table></div>
<h2>Resources</h2>
<div class="panel"><table><thead><tr><th>resource</th><th class="num">capacity</th><th class="num">busy, last 5 s</th><th class="num">busy since start</th><th class="num">in use / queued</th><th class="num">queue mean / max</th></tr></thead><tbody id="resources-body"></tbody></table></div>
<h2>Stages</h2>
<div class="panel"><table><thead><tr><th>span</th><th class="num">count</th><th class="num">p50 ms</th><th class="num">p90 ms</th><th class="num">p99 ms</th><th class="num">max ms</th><th class="num">self mean ms</th><th class="num">share of self time</th></tr></thead><tbody id="stages-body"></tbody></table></div>
</main>`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

const STYLE_TEXT = LIVE_STYLES;

/** The page's HTML. */
export const LIVE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>amanuensis live</title>
<style>${STYLE_TEXT}</style>
</head>
<body>
${BODY}
<script>${LIVE_SCRIPT}</script>
</body>
</html>
`;

/** The headers the page is served with. */
export const LIVE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${sha256(LIVE_SCRIPT)}`,
    `style-src ${sha256(STYLE_TEXT)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
};
