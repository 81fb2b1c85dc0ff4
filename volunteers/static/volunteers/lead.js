/* Lead page: scan a volunteer's QR code with the phone camera where the browser has
   BarcodeDetector; otherwise a hand scanner or typing fills the code field. */
(function () {
  "use strict";
  var button = document.getElementById("camera-button");
  var video = document.getElementById("camera");
  var form = document.getElementById("scan-form");
  var input = document.getElementById("scan-code");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream; video.hidden = false; video.play();
      function tick() {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            input.value = codes[0].rawValue; form.submit();
          } else { requestAnimationFrame(tick); }
        }).catch(function () { requestAnimationFrame(tick); });
      }
      tick();
    });
  });
})();
(function () {
  "use strict";
  // The live board is a live view: reload every minute, unless the lead has started filling a form.
  var touched = false;
  document.addEventListener("input", function () { touched = true; });
  document.addEventListener("change", function () { touched = true; });
  setInterval(function () { if (!touched) { location.reload(); } }, 60000);
})();
