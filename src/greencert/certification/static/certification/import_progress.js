// The import page while the file is checked and imported: progress, then the result.
(function () {
  var box = document.getElementById("import-state");
  var bar = document.getElementById("import-progress");
  var count = document.getElementById("import-count");
  var template = count.textContent.replace(/\d+/, "{n}");
  function poll() {
    fetch(box.dataset.status, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.state !== "uploaded" && s.state !== "checking" && s.state !== "importing") { window.location.reload(); return; }
      if (s.rows_expected) { bar.max = s.rows_expected; bar.removeAttribute("aria-busy"); }
      bar.value = s.rows_done;
      count.textContent = template.replace("{n}", s.rows_done);
      window.setTimeout(poll, 1000);
    }).catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
