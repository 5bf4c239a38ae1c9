// The knowledge card's copy buttons on the assignment and rectification task pages (templates/knowledge/_case_card.html):
// the advice's text is added to the task form's field after what is typed there already, never replacing it, and not
// twice; a form the user may not submit (claimed by someone else: its fieldset is disabled) is left alone.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".kb-copy");
  if (!button) return;
  var source = document.getElementById(button.dataset.source);
  var target = document.getElementById(button.dataset.target);
  if (!source || !target || target.disabled || target.closest("fieldset:disabled")) return;
  var text = source.textContent.trim();
  var current = target.value.replace(/\s+$/, "");
  if (current.indexOf(text) === -1) {
    target.value = current ? current + "\n" + text : text;
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }
  target.focus();
});
