/**
 * The storefront's one script, served at a content-hashed URL. Everything
 * works without it; with it the search box suggests as you type (a
 * debounced, keyboard-navigable listbox fed by /search/suggest), filter
 * changes apply at once, and a form cannot be sent twice by a double click.
 * Plain JS in a string: it runs in the browser, never in the function.
 */
export const JS = `
(() => {
  const input = document.querySelector("input[data-suggest]");
  const list = input && document.getElementById(input.getAttribute("aria-controls"));
  if (input && list) {
    let timer = 0, active = -1, controller, items = [];
    const close = () => {
      list.hidden = true; list.replaceChildren(); items = []; active = -1;
      input.removeAttribute("aria-activedescendant");
    };
    const highlight = (i) => {
      active = i;
      items.forEach((el, j) => el.setAttribute("aria-selected", String(j === i)));
      if (i >= 0) input.setAttribute("aria-activedescendant", items[i].id);
      else input.removeAttribute("aria-activedescendant");
    };
    const choose = (text) => { input.value = text; close(); input.form.submit(); };
    const show = (suggestions) => {
      close();
      suggestions.forEach((s, i) => {
        const li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.text;
        if (s.kind !== "product") {
          const kind = document.createElement("small");
          kind.textContent = s.kind;
          li.append(kind);
        }
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(s.text); });
        items.push(li);
      });
      list.replaceChildren(...items);
      list.hidden = items.length === 0;
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q) { controller?.abort(); close(); return; }
      timer = setTimeout(async () => {
        controller?.abort();
        controller = new AbortController();
        try {
          const res = await fetch("/search/suggest?limit=8&q=" + encodeURIComponent(q), { signal: controller.signal });
          if (res.ok && input.value.trim() === q) show((await res.json()).suggestions);
        } catch { /* aborted or offline: no suggestions */ }
      }, 150);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" && items.length) { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === "ArrowUp" && items.length) { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active].firstChild.textContent); }
      else if (e.key === "Escape") close();
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
  }
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    form.addEventListener("change", () => form.requestSubmit());
  }
  // One submission per form; the Idempotency-Key guards checkout even without this.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.method !== "post") return;
    if (form.dataset.sent) { e.preventDefault(); return; }
    form.dataset.sent = "1";
  });
  addEventListener("pageshow", () => {
    for (const form of document.forms) delete form.dataset.sent;
  });
})();
`;
