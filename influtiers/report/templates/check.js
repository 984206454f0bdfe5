(function () {
  // Records, after load, that every image decoded and how many claims and ledger rows were
  // laid out (read by the browser test; the page works without it), and opens the
  // collapsed details while printing.
  var d = document, de = d.documentElement, printing = [];
  function closedDetails() {
    return Array.prototype.filter.call(d.querySelectorAll("details:not([open])"), function (x) {
      return !x.classList.contains("print-closed");
    });
  }
  function shown(list) {
    var n = 0;
    for (var i = 0; i < list.length; i++) { if (list[i].getBoundingClientRect().height > 0) { n++; } }
    return String(n);
  }
  function mark() {
    var im = d.images;
    for (var i = 0; i < im.length; i++) {
      im[i].setAttribute("data-ok", im[i].complete && im[i].naturalWidth > 0 ? "1" : "0");
    }
    var led = d.getElementById("ledger");
    if (led) {
      var opened = closedDetails();
      opened.forEach(function (x) { x.open = true; });
      led.setAttribute("data-rendered-rows", shown(led.querySelectorAll("table.ledger-rows tbody tr")));
      led.setAttribute("data-rendered-claims", shown(led.querySelectorAll("article.claim")));
      opened.forEach(function (x) { x.open = false; });
    }
    de.setAttribute("data-checked", "1");
  }
  window.addEventListener("beforeprint", function () {
    printing = closedDetails();
    printing.forEach(function (x) { x.open = true; });
  });
  window.addEventListener("afterprint", function () {
    printing.forEach(function (x) { x.open = false; });
    printing = [];
  });
  if (d.readyState === "complete") { mark(); } else { window.addEventListener("load", mark); }
})();
