// 全选本页: the header checkbox checks every case of the page for the bulk form.
var all = document.getElementById("check-all");
if (all) {
  all.addEventListener("change", function () {
    document.querySelectorAll("input[name=ids][form=bulk-form]").forEach(function (c) { c.checked = all.checked; });
  });
}
