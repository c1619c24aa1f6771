/** The storefront's one stylesheet, served at a content-hashed URL (see assets_routes.ts). */
export const CSS = `
:root{--fg:#1d1d1f;--muted:#5b5b66;--line:#d9d9e0;--bg:#fafafa;--card:#fff;--accent:#0b57d0;--accent-fg:#fff;--bad:#b3261e;--ok:#146c2e;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
*{box-sizing:border-box}
body{margin:0;line-height:1.45}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #7aa7f7;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:9}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header.top{display:flex;flex-wrap:wrap;gap:12px 24px;align-items:center;padding:12px 24px;background:var(--card);border-bottom:1px solid var(--line)}
.logo{font-weight:700;font-size:1.25rem;text-decoration:none;color:var(--fg)}
.search{flex:1 1 280px;position:relative;display:flex;gap:6px;max-width:560px}
.search input{flex:1;padding:8px 10px;border:1px solid var(--line);border-radius:8px;font:inherit}
.search [role=listbox]{position:absolute;top:100%;left:0;right:70px;margin:4px 0 0;padding:4px 0;list-style:none;background:#fff;border:1px solid var(--line);border-radius:8px;box-shadow:0 6px 20px #0002;z-index:5}
.search [role=option]{padding:6px 12px;cursor:pointer}
.search [role=option][aria-selected=true],.search [role=option]:hover{background:#e8f0fe}
.search [role=option] small{color:var(--muted);margin-left:6px}
nav.main{display:flex;gap:16px;align-items:center;margin-left:auto}
nav.main form{margin:0}
main{max-width:1120px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:.2em 0 .6em}
h2{font-size:1.2rem}
button,.button{font:inherit;padding:8px 14px;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.link{background:none;border:none;color:var(--accent);padding:0;text-decoration:underline}
button[disabled]{opacity:.6}
label{display:block;font-weight:600;margin:12px 0 4px}
input:not([type=checkbox]):not([type=radio]),select,textarea{font:inherit;padding:8px 10px;border:1px solid #8a8a96;border-radius:8px;width:100%;max-width:420px;background:#fff}
textarea{max-width:100%;min-height:8em}
fieldset{border:1px solid var(--line);border-radius:8px;margin:12px 0;padding:8px 12px}
legend{font-weight:600}
fieldset label{display:flex;gap:8px;align-items:center;font-weight:400;margin:4px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px;list-style:none;padding:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px;display:flex;flex-direction:column;gap:6px}
.card img{width:100%;aspect-ratio:4/3;object-fit:contain}
.price{font-weight:700}
.muted{color:var(--muted)}
.results{display:grid;grid-template-columns:240px 1fr;gap:24px}
@media (max-width:760px){.results{grid-template-columns:1fr}}
.count{color:var(--muted);font-size:.9em}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:middle}
td input[type=number]{width:5em}
.inline{display:inline-flex;gap:6px;align-items:center;margin:0}
.alert{border:1px solid var(--bad);background:#fdecea;color:var(--bad);border-radius:8px;padding:8px 12px;margin:8px 0}
.notice{border:1px solid var(--ok);background:#e6f4ea;color:var(--ok);border-radius:8px;padding:8px 12px;margin:8px 0}
.field-error{color:var(--bad);font-weight:600;margin:4px 0}
.status{font-weight:700;padding:2px 10px;border-radius:999px;background:#eee}
.status.paid{background:#e6f4ea;color:var(--ok)}.status.payment_failed{background:#fdecea;color:var(--bad)}
.row{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-end}
.pager{margin:16px 0}
mark{background:#fff3b0}
`;
