/* Bannerfish: <script src=".../bannerfish/embed.js" data-rotate="30"></script> shows a banner
   where the tag is and changes it every data-rotate seconds (at least 2; 0 or "off" shows one
   banner only). A page that is not visible fetches none, so every impression was on screen. */
(function () {
  var script = document.currentScript;
  if (!script) return;
  var base = script.src.replace(/\/embed\.js(\?.*)?$/, '');
  var rotate = script.getAttribute('data-rotate');
  var seconds = rotate === null ? 30 : parseInt(rotate, 10);
  var box = document.createElement('div');
  box.className = 'bannerfish';
  script.parentNode.insertBefore(box, script.nextSibling);
  function show() {
    if (document.visibilityState === 'hidden') return;
    fetch(base + '/banner?format=json', {cache: 'no-store', credentials: 'omit'})
      .then(function (r) { return r.status === 200 ? r.json() : null; })
      .then(function (b) {
        box.textContent = '';
        if (!b) return;
        var a = document.createElement('a');
        a.href = b.click;
        a.rel = 'noopener';
        var img = document.createElement('img');
        img.src = b.image;
        img.alt = b.alt;
        if (b.width) { img.width = b.width; img.height = b.height; img.style.maxWidth = '100%'; img.style.height = 'auto'; }
        a.appendChild(img);
        box.appendChild(a);
      })
      .catch(function () { /* no banner this time */ });
  }
  show();
  if (seconds > 0) setInterval(show, Math.max(seconds, 2) * 1000);
})();
