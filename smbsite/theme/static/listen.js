// Episode players: a Play button that says the episode's length becomes the browser's own
// player, playing, when pressed. Nothing is fetched from the audio's host before that press.
// Focus moves to the player, so the keyboard and a screen reader carry on from there.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("button.play[data-audio]"), function (button) {
    button.addEventListener("click", function () {
      var audio = document.createElement("audio");
      audio.controls = true;
      audio.autoplay = true;
      audio.src = button.getAttribute("data-audio");
      audio.setAttribute("aria-label", button.getAttribute("data-label"));
      audio.setAttribute("data-pagefind-ignore", "");
      button.parentNode.replaceChild(audio, button);
      audio.focus();
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () { /* the controls are there to press */ });
    });
  });
})();
