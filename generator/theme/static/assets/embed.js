// The "Embed" section of a record page (templates/_embed.html): a Copy button beside each
// <iframe> code, and a choice of which fact's card the second code shows. Without this script
// the buttons stay hidden and the code is still there, in a read-only box, to select by hand.
(function () {
  "use strict";
  const section = document.querySelector(".embed-code");
  if (!section) {
    return;
  }
  const status = section.querySelector(".embed-status");

  function copy(area) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(area.value);
    }
    // An older browser, or a page opened from disk: copy the selection instead.
    area.focus();
    area.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  section.querySelectorAll("button[data-copy]").forEach(function (button) {
    const area = document.getElementById(button.dataset.copy);
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(area).then(function () {
        status.textContent = section.dataset.copied;
      }, function () {
        area.focus();
        area.select();
        status.textContent = section.dataset.selected;
      });
    });
  });
  section.querySelectorAll("textarea").forEach(function (area) {
    area.addEventListener("focus", function () {
      area.select();
    });
  });

  // The code of fact n's card is made as the build makes it (generator/render/embeds.py
  // fact_code): the parts of fact 1's code, with n twice and the card's height between them.
  const select = document.getElementById("embed-fact-number");
  const area = document.getElementById("embed-code-fact");
  if (!select || !area || select.options.length < 2) {
    return;
  }
  const parts = select.dataset;
  select.addEventListener("change", function () {
    const option = select.options[select.selectedIndex];
    area.value = parts.codeSrc + option.value + parts.codeTitle + option.value +
      parts.codeHeight + option.dataset.height + parts.codeEnd;
    status.textContent = "";
  });
  section.querySelector(".embed-pick").hidden = false;
  const hint = section.querySelector(".embed-fact-hint");
  if (hint) {
    hint.hidden = true;
  }
})();
