// Worker web chat. No third-party code. The conversation id lives only in sessionStorage
// (gone when the tab closes), so a shared phone does not keep the chat.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var KEY = "gongyou.conversation";
  var conversationId = sessionStorage.getItem(KEY);
  var cursor = null;
  var source = null;
  var busy = false;

  function showStatus(text) {
    statusLine.textContent = text || "";
    statusLine.hidden = !text;
  }

  function addMessage(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    if (who === "staff") {
      var label = document.createElement("span");
      label.className = "who";
      label.textContent = "工作人员";
      div.appendChild(label);
    }
    div.appendChild(document.createTextNode(text));
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
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
        send({ payload: b.payload }, b.title);
      });
      row.appendChild(chip);
    });
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
  }

  function render(replies, who) {
    (replies || []).forEach(function (r) {
      addMessage(r.text, who);
      addButtons(r.buttons);
    });
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
  }

  function send(body, echo) {
    if (busy) { return; }
    if (echo) { addMessage(echo, "me"); }
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
      if (!result.ok) {
        showStatus(result.data && result.data.detail ? String(result.data.detail) : "发送失败，请再试一次。");
        return;
      }
      showStatus("");
      if (result.data.conversation_id !== conversationId) {
        conversationId = result.data.conversation_id;
        sessionStorage.setItem(KEY, conversationId);
        follow();
      }
      render(result.data.replies, "bot");
    }).catch(function () {
      showStatus("网络不好，消息没发出去。你打的字还在输入框里，可以再点发送。");
      if (body.text) { input.value = body.text; }
    }).then(function () { setBusy(false); });
  }

  function onPushed(data) {
    try { render(JSON.parse(data).replies, "staff"); } catch (e) { /* ignore malformed */ }
  }

  function poll() {
    if (!conversationId) { return; }
    var url = "/api/chat/" + encodeURIComponent(conversationId) + "/messages?wait=20" +
      (cursor ? "&after=" + encodeURIComponent(cursor) : "");
    fetch(url, { credentials: "same-origin" }).then(function (res) {
      if (!res.ok) { throw new Error("poll " + res.status); }
      return res.json();
    }).then(function (data) {
      data.events.forEach(function (e) { cursor = e.id; render(e.replies, "staff"); });
      setTimeout(poll, 200);
    }).catch(function () { setTimeout(poll, 5000); });
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

  // A returning tab (same session) keeps its conversation: ask for the menu instead of a new chat.
  send(conversationId ? { payload: "/greet" } : {}, null);
  if (conversationId) { follow(); }
})();
