import { createHash } from 'node:crypto';

/**
 * The site's stylesheet, inlined in every page. The Content-Security-Policy allows exactly this block by its
 * hash, so no other inline style (and no script at all) can run. Colours meet WCAG 2.1 AA contrast.
 */
export const siteCss = `
:root{--ink:#1d1d1b;--muted:#4a4a48;--accent:#8a1c3a;--accent-ink:#fff;--paper:#fff;--soft:#f4f1ec;--focus:#ffbf47}
*{box-sizing:border-box}
body{margin:0;font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--paper)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid var(--focus);outline-offset:2px;box-shadow:0 0 0 2px var(--ink)}
.skip{position:absolute;left:-999px}
.skip:focus{left:1rem;top:1rem;background:var(--paper);padding:.5rem;z-index:1}
header.site{background:var(--accent);color:var(--accent-ink)}
header.site .inner,main,footer.site .inner{max-width:46rem;margin:0 auto;padding:1rem}
header.site a{color:var(--accent-ink);text-decoration:none;font-weight:700;font-size:1.25rem}
header.site nav a{font-size:1rem;font-weight:400;margin-right:1rem;text-decoration:underline}
header.site nav{margin-top:.5rem}
main{padding-top:2rem;padding-bottom:3rem}
h1{font-size:2rem;line-height:1.2;margin:0 0 1rem}
h2{font-size:1.375rem;margin:2rem 0 .5rem}
.lead{font-size:1.1875rem;color:var(--muted)}
.card{background:var(--soft);border-radius:.5rem;padding:1rem 1.25rem;margin:1rem 0}
.button,button{display:inline-block;background:var(--accent);color:var(--accent-ink);border:0;border-radius:.375rem;padding:.625rem 1.25rem;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
.error-summary{border:3px solid #b00020;padding:1rem;margin:1rem 0}
.error-summary h2{margin-top:0}
.field{margin:1.25rem 0;border:0;padding:0}
.field label,.field legend{display:block;font-weight:600;margin-bottom:.25rem}
.field input[type=text],.field input[type=email],.field textarea{width:100%;max-width:30rem;font:inherit;padding:.5rem;border:2px solid var(--ink);border-radius:.25rem}
.field input[aria-invalid=true],.field textarea[aria-invalid=true]{border-color:#b00020}
.choice{display:flex;gap:.5rem;align-items:flex-start;margin:.375rem 0}
.choice input{flex:none;width:1.25rem;height:1.25rem;margin-top:.2rem}
.choice label{font-weight:400}
.hint{color:var(--muted);margin:0 0 .25rem}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
form.inline{display:inline}
.secondary{background:var(--paper);color:var(--accent);border:2px solid var(--accent)}
.field-error{color:#b00020;font-weight:600}
.needs{background:var(--soft);border-radius:.5rem;padding:1rem 1.25rem}
.needs .field{margin:1rem 0 0}
.meetings,.reports{list-style:none;margin:0;padding:0}
.meetings li,.reports li{border-top:1px solid #ddd;padding:1rem 0}
.meetings h2,.reports h2,.meetings h3,.reports h3{margin:0 0 .25rem}
.meetings p,.reports p{margin:0}
.kinds a{margin-right:.75rem}
.kinds a[aria-current]{font-weight:700}
.facts dt{font-weight:600}
.facts dd{margin:0 0 .75rem}
.status{font-weight:600}
.cancelled{color:#b00020;font-weight:700}
.feed-url{overflow-wrap:anywhere}
footer.site{border-top:1px solid #ddd;color:var(--muted);font-size:.9375rem}
`.trim();

export const siteCssHash = `sha256-${createHash('sha256').update(siteCss).digest('base64')}`;
