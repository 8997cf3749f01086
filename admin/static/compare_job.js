// 立即比对: while the job runs, ask for its progress every second; reload the page once it is over.
(function () {
  var card = document.getElementById("compare-job");
  if (!card || !card.dataset.running) return;
  function poll() {
    fetch("/admin/findings/run.json", {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.state !== "running") { window.location.reload(); return; }
        var bar = document.getElementById("compare-progress");
        if (bar) bar.value = job.percent;
        var doing = document.getElementById("compare-doing");
        if (doing) doing.textContent = job.doing;
        setTimeout(poll, 1000);
      }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
