// Progressive enhancement only: every page works without this file.
(function () {
  'use strict'

  // Report the browser's time zone once, so dates show in local time for visitors and for members who chose "automatic".
  function reportTimeZone() {
    var zone
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone } catch (e) { return }
    if (!zone || document.cookie.indexOf('kring_tz_sent=' + encodeURIComponent(zone)) !== -1) return
    var token = document.querySelector('input[name="_csrf"]')
    if (!token) return
    var body = new URLSearchParams({ time_zone: zone, _csrf: token.value })
    fetch('/time-zone', { method: 'POST', body: body, credentials: 'same-origin' }).then(function (res) {
      if (res.ok) document.cookie = 'kring_tz_sent=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; samesite=lax'
    })
  }

  // The footer's language select submits itself; the button stays for keyboard and no-JS users.
  function autoSubmitLanguage() {
    var select = document.getElementById('footer-language')
    if (!select) return
    select.addEventListener('change', function () { select.form.submit() })
  }

  document.addEventListener('DOMContentLoaded', function () {
    reportTimeZone()
    autoSubmitLanguage()
  })
})()
