// The link's token is read from the address and sent only when the user
// presses the button: opening the page (as mail scanners do) spends
// nothing.
"use strict";
(function () {
  var token = new URLSearchParams(window.location.search).get("token") || "";
  var result = document.getElementById("result");
  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().then(function (data) {
        result.textContent = res.ok ? "Done." : (data.detail || "Something went wrong.");
      });
    });
  }
  var verify = document.getElementById("verify");
  if (verify) {
    verify.addEventListener("submit", function (e) {
      e.preventDefault();
      post("/auth/verify", { token: token });
    });
  }
  var reset = document.getElementById("reset");
  if (reset) {
    reset.addEventListener("submit", function (e) {
      e.preventDefault();
      post("/auth/password/reset", { token: token, new_password: reset.elements.new_password.value });
    });
  }
})();
