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

  // @mentions: typing "@" and part of a name in a Markdown field offers the community's members (an ARIA combobox with
  // a listbox: arrows move, Enter or a click picks, Escape closes). Without this, `@[Name]` is typed by hand.
  var MENTION_BEFORE_CARET = /(^|[\s(])@\[?([^\]\n@\[]{1,40})$/
  function mentionAutocomplete() {
    var fields = document.querySelectorAll('textarea[data-mentions]')
    Array.prototype.forEach.call(fields, function (textarea) {
      if (!window.fetch) return
      var list = document.createElement('ul')
      list.id = textarea.id + '-mentions'
      list.className = 'mention-list'
      list.setAttribute('role', 'listbox')
      list.setAttribute('aria-label', textarea.getAttribute('data-mentions-label') || '')
      list.hidden = true
      textarea.parentNode.insertBefore(list, textarea.nextSibling)
      textarea.setAttribute('role', 'combobox')
      textarea.setAttribute('aria-autocomplete', 'list')
      textarea.setAttribute('aria-controls', list.id)
      textarea.setAttribute('aria-expanded', 'false')
      var items = []
      var active = -1
      var start = -1
      var asked = 0
      var timer = null

      function close() {
        list.hidden = true
        list.textContent = ''
        items = []
        active = -1
        textarea.setAttribute('aria-expanded', 'false')
        textarea.removeAttribute('aria-activedescendant')
      }
      function highlight(index) {
        active = index
        Array.prototype.forEach.call(list.children, function (li, i) {
          li.setAttribute('aria-selected', i === index ? 'true' : 'false')
        })
        if (index >= 0) textarea.setAttribute('aria-activedescendant', list.id + '-' + index)
        else textarea.removeAttribute('aria-activedescendant')
      }
      function pick(index) {
        var item = items[index]
        if (!item || start < 0) return close()
        var caret = textarea.selectionStart
        var text = item.insert + ' '
        textarea.value = textarea.value.slice(0, start) + text + textarea.value.slice(caret)
        var at = start + text.length
        textarea.setSelectionRange(at, at)
        close()
        textarea.focus()
      }
      function show(suggestions) {
        close()
        items = suggestions
        if (!items.length) return
        items.forEach(function (item, i) {
          var li = document.createElement('li')
          li.id = list.id + '-' + i
          li.setAttribute('role', 'option')
          li.setAttribute('aria-selected', 'false')
          li.textContent = item.organisation ? item.name + ' · ' + item.organisation : item.name
          // mousedown, not click: the textarea keeps its focus and caret.
          li.addEventListener('mousedown', function (event) { event.preventDefault(); pick(i) })
          list.appendChild(li)
        })
        list.hidden = false
        textarea.setAttribute('aria-expanded', 'true')
        highlight(0)
      }
      function lookUp() {
        var before = textarea.value.slice(0, textarea.selectionStart)
        var match = MENTION_BEFORE_CARET.exec(before)
        if (!match) { start = -1; return close() }
        start = before.length - match[0].length + match[1].length
        var ask = ++asked
        fetch(textarea.getAttribute('data-mentions') + '?q=' + encodeURIComponent(match[2]), {
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
        })
          .then(function (res) { return res.ok ? res.json() : { suggestions: [] } })
          .then(function (data) { if (ask === asked) show(data.suggestions || []) })
          .catch(close)
      }
      textarea.addEventListener('input', function () {
        clearTimeout(timer)
        timer = setTimeout(lookUp, 120)
      })
      textarea.addEventListener('keydown', function (event) {
        if (list.hidden) return
        if (event.key === 'ArrowDown') { event.preventDefault(); highlight((active + 1) % items.length) }
        else if (event.key === 'ArrowUp') { event.preventDefault(); highlight((active - 1 + items.length) % items.length) }
        else if (event.key === 'Enter') { if (active >= 0) { event.preventDefault(); pick(active) } }
        else if (event.key === 'Escape') { event.preventDefault(); close() }
      })
      textarea.addEventListener('blur', function () { setTimeout(close, 150) })
    })
  }

  document.addEventListener('DOMContentLoaded', function () {
    reportTimeZone()
    autoSubmitLanguage()
    previewInPlace()
    mentionAutocomplete()
  })
})()

// --- nav: dropdown menus (<details class="menu">) close on Escape, on a click elsewhere, and when another opens ---
;(function () {
  'use strict'
  function openMenus() { return document.querySelectorAll('details.menu[open]') }
  document.addEventListener('click', function (event) {
    Array.prototype.forEach.call(openMenus(), function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute('open')
    })
  })
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return
    Array.prototype.forEach.call(openMenus(), function (menu) {
      var hadFocus = menu.contains(document.activeElement)
      menu.removeAttribute('open')
      if (hadFocus) menu.querySelector('summary').focus()
    })
  })
})()

// --- search: similar threads and articles under the title of a new thread ---
// The leading semicolon keeps this from being read as a call of the expression above.
;(function () {
  'use strict'
  // After a pause in typing, up to five suggestions fill a polite live region below the title; focus stays put.
  function similarThreads() {
    var box = document.getElementById('similar-threads')
    var title = document.getElementById('title')
    if (!box || !title || !window.fetch) return
    var timer, asked = 0, last = null
    function show(data) {
      var items = data.suggestions || []
      box.textContent = ''
      if (!items.length) return
      var heading = document.createElement('h2')
      heading.id = 'similar-threads-heading'
      heading.textContent = data.heading
      var intro = document.createElement('p')
      intro.className = 'meta'
      intro.textContent = data.intro
      var list = document.createElement('ul')
      list.setAttribute('aria-labelledby', heading.id)
      items.forEach(function (item) {
        var li = document.createElement('li')
        var link = document.createElement('a')
        link.href = item.url
        link.textContent = item.title
        var type = document.createElement('span')
        type.className = 'meta'
        type.textContent = item.typeLabel
        li.appendChild(link)
        li.appendChild(document.createTextNode(' '))
        li.appendChild(type)
        list.appendChild(li)
      })
      box.appendChild(heading)
      box.appendChild(intro)
      box.appendChild(list)
    }
    function lookUp() {
      var text = title.value.trim()
      if (text === last) return
      last = text
      if (text.length < 3) { box.textContent = ''; return }
      var ask = ++asked
      fetch(box.getAttribute('data-similar') + '?title=' + encodeURIComponent(text), {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      })
        .then(function (res) { return res.ok ? res.json() : { suggestions: [] } })
        .then(function (data) { if (ask === asked) show(data) })
        .catch(function () {})
    }
    title.addEventListener('input', function () {
      clearTimeout(timer)
      timer = setTimeout(lookUp, 600)
    })
  }
  document.addEventListener('DOMContentLoaded', similarThreads)
})()

// --- posts: the reply landed on (after posting, or from a link) takes the focus, so keyboard and screen reader
// users continue from there. Without JavaScript the page still scrolls to it and :target marks it. ---
;(function () {
  function focusTarget() {
    var match = /^#p(\d+)$/.exec(window.location.hash)
    var target = match && document.getElementById('p' + match[1])
    if (target && target.getAttribute('tabindex') === '-1') target.focus()
  }
  document.addEventListener('DOMContentLoaded', focusTarget)
  window.addEventListener('hashchange', focusTarget)
})()
