// The demo gym page's stand-in for a real payment: it answers the widget's
// `paymentTokenProvider` with a small dialog. A real site puts its payment provider here (or
// lets the widget mount the vendor's payment component). No card data is asked for.
const widget = document.querySelector("perfectgym-offers");
const dialog = document.getElementById("demo-payment");
const amount = document.getElementById("demo-payment-amount");

widget.paymentTokenProvider = (details) =>
  new Promise((resolve, reject) => {
    const lang = widget.getAttribute("locale") || "en";
    amount.textContent = new Intl.NumberFormat(lang, { style: "currency", currency: details.currency })
      .format(details.amount);
    dialog.returnValue = "";
    dialog.showModal();
    dialog.addEventListener(
      "close",
      () => {
        if (dialog.returnValue === "pay") {
          resolve("demo-token-" + details.offerId + "-" + Date.now());
        } else {
          reject(new Error("The visitor cancelled the payment"));
        }
      },
      { once: true },
    );
  });

// Analytics and sign-in hooks a gym would wire.
for (const name of ["ready", "offer-selected", "voucher-applied", "voucher-rejected",
  "sign-in-required", "purchase-completed", "error"]) {
  widget.addEventListener("perfectgym-offers:" + name, (event) => {
    console.info("perfectgym-offers:" + name, event.detail);
  });
}
