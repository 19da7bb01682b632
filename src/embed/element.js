// wasm-bindgen cannot subclass HTMLElement, so this small class forwards the element's life
// cycle to the widget's Rust functions. The stylesheet is adopted (not an inline <style>), so a
// strict Content-Security-Policy without 'unsafe-inline' still styles the widget.
// An attribute change goes to `update`, which keeps the visitor's checkout; only when it answers
// false (another api-base, or settings that do not read) is the widget mounted afresh.
export function defineOffersElement(tagName, attributes, css, mount, update, unmount) {
  if (customElements.get(tagName)) return;
  let sheet = null;
  try {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  } catch (_) {
    sheet = null;
  }
  customElements.define(tagName, class extends HTMLElement {
    static get observedAttributes() {
      return attributes;
    }

    connectedCallback() {
      if (!this._container) {
        // embed.js may have given the element its root already, with the loading skeleton's
        // sheet and the container holding the skeleton: both stay until the widget reveals itself.
        const root = this.shadowRoot || this.attachShadow({ mode: "open" });
        if (sheet) {
          root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
        } else {
          const style = document.createElement("style");
          style.textContent = css;
          root.append(style);
        }
        this._container = root.querySelector(":scope > .pgo-root");
        if (!this._container) {
          this._container = document.createElement("div");
          this._container.className = "pgo-root";
          root.append(this._container);
        }
      }
      this._mount();
    }

    disconnectedCallback() {
      this._unmount();
    }

    attributeChangedCallback(_name, oldValue, newValue) {
      if (oldValue === newValue) return;
      // Changed by a listener of an event the widget sent while mounting (a configuration
      // error's): applied once the mount has returned.
      if (this._mounting) this._changedWhileMounting = true;
      else if (this._handle !== undefined && !update(this._handle, this)) this._mount();
    }

    _mount(again = true) {
      this._unmount();
      this._mounting = true;
      this._changedWhileMounting = false;
      try {
        this._handle = mount(this, this._container);
      } finally {
        this._mounting = false;
      }
      // Once: a listener that changes an attribute at every mount cannot loop.
      if (again && this._changedWhileMounting && !update(this._handle, this)) this._mount(false);
    }

    _unmount() {
      if (this._handle !== undefined) {
        unmount(this._handle);
        this._handle = undefined;
      }
    }
  });
}

// Removes the loading skeleton embed.js showed (if any), which uncovers the widget's own tree.
export function revealWidget(element) {
  const skeleton = element && element.shadowRoot && element.shadowRoot.querySelector(".pgo-skeleton");
  if (skeleton) skeleton.remove();
}
