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

  // Preview in place: the Preview button works as a round trip without JavaScript; with it, no page load.
  function previewInPlace() {
    var buttons = document.querySelectorAll('[data-preview-button]')
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener('click', function (event) {
        var form = button.form
        var textarea = form && form.querySelector('textarea[name="body"]')
        var token = form && form.querySelector('input[name="_csrf"]')
        if (!textarea || !token || !window.fetch) return
        event.preventDefault()
        var field = textarea.closest('[data-preview]') || textarea.parentNode
        var box = field.querySelector('.preview')
        if (!box) {
          box = document.createElement('section')
          box.className = 'preview'
          box.setAttribute('aria-live', 'polite')
          box.setAttribute('aria-label', button.textContent)
          var title = document.createElement('h2')
          title.className = 'preview-title'
          title.textContent = button.textContent
          box.appendChild(title)
          var prose = document.createElement('div')
          prose.className = 'prose'
          box.appendChild(prose)
          field.appendChild(box)
        }
        var target = box.querySelector('.prose')
        var body = new URLSearchParams({ body: textarea.value, _csrf: token.value })
        fetch('/preview', { method: 'POST', body: body, credentials: 'same-origin', headers: { accept: 'application/json' } })
          .then(function (res) { return res.json() })
          .then(function (data) {
            // The server sends HTML from the one sanitizing Markdown renderer, or a plain-text error.
            if (data.html !== undefined) target.innerHTML = data.html
            else target.textContent = typeof data.error === 'string' ? data.error : data.message || ''
          })
          .catch(function () { button.form.requestSubmit ? button.form.requestSubmit(button) : button.form.submit() })
      })
    })
  }

  document.addEventListener('DOMContentLoaded', function () {
    reportTimeZone()
    autoSubmitLanguage()
    previewInPlace()
  })
})()
