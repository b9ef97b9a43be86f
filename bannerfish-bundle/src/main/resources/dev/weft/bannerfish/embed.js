/* Bannerfish: <script src=".../bannerfish/embed.js" data-rotate="30"></script> shows a banner
   where the tag is and changes it every data-rotate seconds. */
(function () {
  var script = document.currentScript;
  if (!script) return;
  var base = script.src.replace(/\/embed\.js(\?.*)?$/, '');
  var every = (parseInt(script.getAttribute('data-rotate'), 10) || 30) * 1000;
  var box = document.createElement('div');
  box.className = 'bannerfish';
  script.parentNode.insertBefore(box, script.nextSibling);
  function show() {
    fetch(base + '/banner?format=json', {cache: 'no-store'})
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
        a.appendChild(img);
        box.appendChild(a);
      })
      .catch(function () { /* no banner this time */ });
  }
  show();
  setInterval(show, every);
})();
