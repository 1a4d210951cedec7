// Worker web chat. No third-party code, nothing loaded from elsewhere.
// While a conversation is open its id stays in localStorage, so a worker who closes the tab
// (or whose phone kills the browser) can come back to it; 清除记录 wipes it from this phone and
// 快速离开 wipes it and leaves at once.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var clearButton = document.getElementById("clear");
  var leaveLink = document.getElementById("leave");
  var KEY = "gongyou.conversation";
  var CONFIRM_MS = 4000;
  var conversationId = loadConversationId();
  var cursor = null;
  var source = null;
  var pollTimer = null;
  var busy = false;
  var generation = 0; // bumped by 清除记录 so late answers of the old chat are dropped

  // ---- storage (may be unavailable: private mode, disabled cookies) ----------------------

  function storageGet(storage) {
    try { return storage.getItem(KEY); } catch (e) { return null; }
  }

  function storageSet(storage, value) {
    try { storage.setItem(KEY, value); } catch (e) { /* the chat still works for this tab */ }
  }

  function storageRemove(storage) {
    try { storage.removeItem(KEY); } catch (e) { /* nothing stored */ }
  }

  function loadConversationId() {
    var id = storageGet(window.localStorage);
    var older = storageGet(window.sessionStorage); // where earlier versions kept it
    if (!id && older) {
      id = older;
      storageSet(window.localStorage, id);
    }
    if (older) { storageRemove(window.sessionStorage); }
    return id;
  }

  function forgetConversation() {
    storageRemove(window.localStorage);
    storageRemove(window.sessionStorage);
    if (source) { source.close(); source = null; }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
    conversationId = null;
    cursor = null;
    log.textContent = "";
    input.value = "";
    showStatus("");
  }

  // ---- rendering -------------------------------------------------------------------------

  function showStatus(text) {
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function addMessage(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who; // a caseworker's text arrives labelled 工作人员 already
    div.appendChild(document.createTextNode(text));
    log.appendChild(div);
    return div;
  }

  function addButtons(buttons) {
    if (!buttons || !buttons.length) { return; }
    var row = document.createElement("div");
    row.className = "chips";
    buttons.forEach(function (b) {
      var chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = b.title;
      chip.addEventListener("click", function () {
        if (busy || chip.disabled) { return; }
        chip.classList.add("chosen");
        send({ payload: b.payload }, b.title);
      });
      row.appendChild(chip);
    });
    log.appendChild(row);
  }

  function render(replies, who) {
    var first = null;
    (replies || []).forEach(function (r) {
      var div = addMessage(r.text, who);
      first = first || div;
      addButtons(r.buttons);
    });
    return first;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  // A long answer is read from its first line: show the start of the new message, not its end.
  function scrollToStart(element) {
    if (!element) { return; }
    log.scrollTop = Math.max(0, element.offsetTop - 8);
  }

  // Buttons of earlier messages would act on a step that has moved on: once the worker has
  // answered (tapped or typed), they are switched off.
  function disableEarlierButtons() {
    var chips = log.querySelectorAll(".chip:not([disabled])");
    Array.prototype.forEach.call(chips, function (chip) { chip.disabled = true; });
    return chips;
  }

  function enableAgain(chips) {
    Array.prototype.forEach.call(chips, function (chip) {
      chip.disabled = false;
      chip.classList.remove("chosen");
    });
  }

  // ---- talking to the server -------------------------------------------------------------

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
  }

  function send(body, echo) {
    if (busy) { return; }
    var mine = generation;
    var answered = disableEarlierButtons();
    var echoed = echo ? addMessage(echo, "me") : null;
    if (echoed) { scrollToEnd(); }
    body.conversation_id = conversationId;
    setBusy(true);
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (result) {
      if (mine !== generation) { return; }
      if (!result.ok) {
        enableAgain(answered);
        showStatus(result.data && result.data.detail ? String(result.data.detail) : "发送失败，请再试一次。");
        return;
      }
      showStatus("");
      if (result.data.conversation_id !== conversationId) {
        conversationId = result.data.conversation_id;
        storageSet(window.localStorage, conversationId);
        follow();
      }
      scrollToStart(render(result.data.replies, "bot"));
    }).catch(function () {
      if (mine !== generation) { return; }
      enableAgain(answered);
      showStatus("网络不好，消息没发出去。你打的字还在输入框里，可以再点发送。");
      if (body.text) { input.value = body.text; }
    }).then(function () {
      if (mine === generation) { setBusy(false); }
    });
  }

  // Pushed later: a caseworker's message (labelled 工作人员) or a notice from the bot
  // (a person took the chat over, nobody is free right now).
  function renderPushed(event) {
    return render(event.replies, event.from === "bot" ? "bot" : "staff");
  }

  function onPushed(data) {
    try {
      scrollToStart(renderPushed(JSON.parse(data)));
    } catch (e) { /* ignore malformed */ }
  }

  function poll() {
    pollTimer = null;
    if (!conversationId) { return; }
    var id = conversationId;
    var url = "/api/chat/" + encodeURIComponent(id) + "/messages?wait=20" +
      (cursor ? "&after=" + encodeURIComponent(cursor) : "");
    fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { throw new Error("poll " + res.status); }
      return res.json();
    }).then(function (data) {
      if (id !== conversationId) { return; }
      data.events.forEach(function (e) { cursor = e.id; scrollToStart(renderPushed(e)); });
      pollTimer = setTimeout(poll, 200);
    }).catch(function () {
      if (id === conversationId) { pollTimer = setTimeout(poll, 5000); }
    });
  }

  function follow() {
    if (source) { source.close(); source = null; }
    if (!conversationId) { return; }
    if (!window.EventSource) { poll(); return; }
    var url = "/api/chat/" + encodeURIComponent(conversationId) + "/events" +
      (cursor ? "?after=" + encodeURIComponent(cursor) : "");
    source = new EventSource(url);
    source.addEventListener("message", function (e) {
      cursor = e.lastEventId || cursor;
      onPushed(e.data);
    });
    source.onerror = function () {
      if (source && source.readyState === EventSource.CLOSED) { source = null; poll(); }
    };
  }

  function start() {
    // A returning worker keeps the conversation: ask for the menu instead of a new chat.
    setBusy(false);
    send(conversationId ? { payload: "/greet" } : {}, null);
    if (conversationId) { follow(); }
  }

  // ---- controls --------------------------------------------------------------------------

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) { return; }
    input.value = "";
    send({ text: text }, text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  // Two taps, so a slip of the thumb does not wipe a conversation the worker wanted to keep.
  var clearLabel = clearButton.textContent;
  var confirmTimer = null;
  clearButton.addEventListener("click", function () {
    if (!confirmTimer) {
      clearButton.textContent = clearButton.getAttribute("data-confirm") || clearLabel;
      clearButton.classList.add("confirming");
      confirmTimer = setTimeout(function () {
        confirmTimer = null;
        clearButton.textContent = clearLabel;
        clearButton.classList.remove("confirming");
      }, CONFIRM_MS);
      return;
    }
    clearTimeout(confirmTimer);
    confirmTimer = null;
    clearButton.textContent = clearLabel;
    clearButton.classList.remove("confirming");
    generation += 1;
    forgetConversation();
    start();
  });

  leaveLink.addEventListener("click", function (e) {
    e.preventDefault();
    generation += 1;
    forgetConversation();
    document.title = "";
    // replace(): the chat page leaves the history, so Back does not bring it back.
    window.location.replace(leaveLink.href);
  });

  start();
})();
