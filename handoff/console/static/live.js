// Live updates of the console. One EventSource per page (/console/events); the server fans
// events out from one subscriber per process. Each event becomes a DOM event on <body> named
// after its kind (case-message, case-new, live-requested, live-message, live-safety, …) that
// the htmx parts of a page listen to (hx-trigger="case-message from:body"). A case page only
// hears its own case, a chat page only its own chat. A worker asking for a person, or a danger
// in a live chat, shows a banner on any page. Events carry no content: the parts re-fetch.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!window.EventSource || !script) { return; }
  var texts = {
    live_requested: script.getAttribute("data-text-request") || "",
    live_safety: script.getAttribute("data-text-safety") || "",
    offline: script.getAttribute("data-text-offline") || ""
  };
  var status = null;

  function showStatus(text) {
    if (!status) {
      status = document.createElement("p");
      status.className = "live-status";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = text;
    status.hidden = !text;
  }

  // True when the page shows another case (or chat) than the event's.
  function elsewhere(selector, attribute, id) {
    var shown = document.querySelector(selector);
    return Boolean(id && shown && shown.getAttribute(attribute) !== id);
  }

  function banner(event) {
    var text = texts[event.kind];
    if (!text || !event.live_chat_id || document.getElementById("live-list")) { return; }
    if (!elsewhere("#live-thread", "data-live-chat-id", event.live_chat_id) &&
        document.getElementById("live-thread")) { return; }
    var main = document.querySelector("main") || document.body;
    var note = document.createElement("p");
    note.className = "flash live-banner" + (event.kind === "live_safety" ? " danger" : "");
    note.setAttribute("role", "alert");
    var link = document.createElement("a");
    link.href = "/console/live/" + encodeURIComponent(event.live_chat_id);
    link.textContent = text;
    note.appendChild(link);
    main.insertBefore(note, main.firstChild);
  }

  function dispatch(event) {
    if (elsewhere("#case-thread", "data-case-id", event.case_id)) { return; }
    if (elsewhere("#live-thread", "data-live-chat-id", event.live_chat_id)) { return; }
    var name = event.kind.replace(/_/g, "-");
    document.body.dispatchEvent(new CustomEvent(name, { detail: event }));
  }

  var source = new EventSource("/console/events");
  source.addEventListener("open", function () { showStatus(""); });
  source.addEventListener("error", function () { showStatus(texts.offline); });
  source.addEventListener("message", function (message) {
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    if (!event || typeof event.kind !== "string") { return; }
    showStatus("");
    banner(event);
    dispatch(event);
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
