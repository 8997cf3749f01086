// 常用答复: picking one fills the reply box of the same form, which staff then edit before sending.
document.querySelectorAll("select.canned").forEach(function (sel) {
  sel.addEventListener("change", function () {
    var opt = sel.selectedOptions[0];
    var box = sel.form && sel.form.querySelector("textarea[name=text]");
    if (box && opt && opt.dataset.text !== undefined) { box.value = opt.dataset.text; box.focus(); }
  });
});
