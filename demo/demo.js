/* The demo page: one browser window, every demo person's Teams (see docs/demo.md).
 * Conversations come from the demo server (which is also the bot's Bot Connector) by long
 * polling; cards are drawn by Microsoft's Adaptive Cards renderer (adaptivecards 3.0.x, served
 * locally); Action.Execute and user-specific refresh go to the bot as Teams' invoke would. */
(function () {
  'use strict';
  var AC = window.AdaptiveCards;
  var CARD = 'application/vnd.microsoft.card.adaptive';
  var ROLE_LABELS = {
    admin: 'projektkontoret (admin)',
    coach: 'projektcoach',
    reviewer: 'ledamot i beredningsgruppen',
    chair: 'ordförande',
    it: 'IT-funktionen',
    decisionMaker: 'beslutsfattare',
  };

  var config = null;
  var state = { rev: 0, messages: [] };
  var current = null; // the person the page acts as
  var selected = {}; // person id -> conversation id they have open
  var views = {}; // `${person}|${message}` -> { card?, version, note?, noteKind?, stamp }
  var refreshing = {}; // `${person}|${message}|${version}` -> true while/after asking
  var seen = {}; // `${person}|${conversation}` -> number of messages seen there
  var pane = { key: null, nodes: new Map() }; // rendered conversation and its elements
  var waitingFor = {}; // conversation or thread id -> number of messages awaiting the bot
  var clicking = {}; // message id -> true while a clicked action awaits the bot
  var stamp = 0;

  // ---------- helpers ----------
  function $(id) {
    return document.getElementById(id);
  }
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'class') e.className = attrs[k];
      else if (k === 'text') e.textContent = attrs[k];
      else if (k === 'html') e.innerHTML = attrs[k];
      else if (k.indexOf('on') === 0) e.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function esc(s) {
    return String(s)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;');
  }
  function initials(name) {
    return name
      .split(/\s+/)
      .map(function (w) {
        return w.charAt(0);
      })
      .slice(0, 2)
      .join('')
      .toUpperCase();
  }
  function time(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString('sv-SE', { hour: '2-digit', minute: '2-digit' });
  }

  /** The Markdown subset Teams shows in messages and TextBlocks (escaped first: no HTML passes). */
  function inline(s) {
    return s
      .replace(/\\([\\`*_{}\[\]()#+\-.!>])/g, function (_, c) {
        return '&#' + c.charCodeAt(0) + ';';
      })
      .replace(/&lt;at&gt;(.*?)&lt;\/at&gt;/g, '<span class="at">@$1</span>')
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])_([^_]+?)_(?=$|[\s).,!?:;])/g, '$1<em>$2</em>')
      .replace(/(^|[\s(])\*([^*\s][^*]*?)\*(?=$|[\s).,!?:;])/g, '$1<em>$2</em>')
      .replace(
        /\[([^\]]+)\]\((https?:[^)\s]+)\)/g,
        '<a href="$2" target="_blank" rel="noopener">$1</a>',
      );
  }
  function md(src) {
    var lines = esc(src || '').split(/\r?\n/);
    var out = [];
    var para = [];
    var list = null;
    function flushPara() {
      if (para.length) out.push('<p>' + para.map(inline).join('<br>') + '</p>');
      para = [];
    }
    function flushList() {
      if (list)
        out.push(
          '<' +
            list.tag +
            '>' +
            list.items
              .map(function (i) {
                return '<li>' + inline(i) + '</li>';
              })
              .join('') +
            '</' +
            list.tag +
            '>',
        );
      list = null;
    }
    lines.forEach(function (line) {
      var bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
      var num = /^\s*\d+[.)]\s+(.*)$/.exec(line);
      if (bullet || num) {
        flushPara();
        var tag = bullet ? 'ul' : 'ol';
        if (!list || list.tag !== tag) {
          flushList();
          list = { tag: tag, items: [] };
        }
        list.items.push((bullet || num)[1]);
      } else if (line.trim() === '') {
        flushList();
        flushPara();
      } else {
        flushList();
        para.push(line);
      }
    });
    flushList();
    flushPara();
    return out.join('');
  }

  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = md(text);
    result.didProcess = true;
  };
  var hostConfig = new AC.HostConfig({
    fontFamily: "'Segoe UI', system-ui, -apple-system, 'Helvetica Neue', Arial, sans-serif",
    supportsInteractivity: true,
    // Teams gives fact titles room enough for Swedish compounds ("Kostnadseffektivitet").
    factSet: {
      title: { weight: 'bolder', wrap: true, maxWidth: 220 },
      value: { wrap: true },
      spacing: 12,
    },
    actions: {
      maxActions: 10,
      buttonSpacing: 8,
      actionsOrientation: 'horizontal',
      actionAlignment: 'left',
      showCard: { actionMode: 'inline', inlineTopMargin: 12 },
    },
  });

  function api(path, body) {
    return fetch(path, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j && j.error ? j.error : 'HTTP ' + r.status);
        return j;
      });
    });
  }

  // ---------- what a person sees ----------
  function conversationsOf(person) {
    var list = [{ id: person.personalChatId, kind: 'personal', name: 'Projektkontoret' }];
    config.channels.forEach(function (c) {
      list.push({ id: c.id, kind: 'channel', name: c.name });
    });
    return list;
  }
  function conversation(person, id) {
    return conversationsOf(person).filter(function (c) {
      return c.id === id;
    })[0];
  }
  function messagesIn(convId) {
    return state.messages.filter(function (m) {
      return m.conversationId === convId;
    });
  }
  function unread(person, convId) {
    var others = messagesIn(convId).filter(function (m) {
      return m.fromId !== person.id;
    }).length;
    return Math.max(0, others - (seen[person.id + '|' + convId] || 0));
  }
  function markSeen(person, convId) {
    seen[person.id + '|' + convId] = messagesIn(convId).filter(function (m) {
      return m.fromId !== person.id;
    }).length;
  }

  // ---------- header and rail ----------
  function renderPeople() {
    var nav = $('people');
    nav.innerHTML = '';
    config.people.forEach(function (p) {
      var total = conversationsOf(p).reduce(function (n, c) {
        return n + (p === current && c.id === selected[p.id] ? 0 : unread(p, c.id));
      }, 0);
      nav.appendChild(
        el(
          'button',
          {
            type: 'button',
            'aria-pressed': String(p === current),
            'aria-label': p.name,
            title: 'Visa Teams som ' + p.name,
            onclick: function () {
              switchTo(p);
            },
          },
          [
            el('span', { class: 'avatar', text: initials(p.name), 'aria-hidden': 'true' }),
            p.name.split(' ')[0],
            total > 0
              ? el('span', { class: 'badge', text: String(total), 'aria-hidden': 'true' })
              : null,
          ],
        ),
      );
    });
  }
  function renderRail() {
    var who = $('whoami');
    who.innerHTML = '';
    var roles = current.roles.length
      ? current.roles
          .map(function (r) {
            return ROLE_LABELS[r] || r;
          })
          .join(', ')
      : 'sökande';
    who.appendChild(el('span', { class: 'avatar', text: initials(current.name) }));
    who.appendChild(
      el('div', {}, [
        el('div', { text: current.name, style: 'font-weight:600' }),
        el('div', {
          class: 'roles',
          text: roles + (current.organisation ? ' · ' + current.organisation : ''),
        }),
      ]),
    );
    $('team-name').textContent = 'Team: ' + config.team.name;
    function item(c, label) {
      var n = c.id === selected[current.id] ? 0 : unread(current, c.id);
      return el('li', {}, [
        el(
          'button',
          {
            type: 'button',
            'aria-label': label,
            'aria-current': String(c.id === selected[current.id]),
            'data-conversation': c.id,
            onclick: function () {
              open(c.id);
            },
          },
          [
            el('span', { text: label }),
            n > 0
              ? el('span', {
                  class: 'badge',
                  text: String(n),
                  title: n + ' nya',
                  'aria-hidden': 'true',
                })
              : null,
          ],
        ),
      ]);
    }
    var chats = $('chats');
    chats.innerHTML = '';
    chats.appendChild(item(conversationsOf(current)[0], 'Chatt med Projektkontoret'));
    var channels = $('channels');
    channels.innerHTML = '';
    conversationsOf(current)
      .slice(1)
      .forEach(function (c) {
        channels.appendChild(item(c, c.name));
      });
  }

  // ---------- messages and cards ----------
  function viewOf(person, m) {
    var key = person.id + '|' + m.id;
    var v = views[key];
    // An update of the message replaces whatever the person had on their screen (as in Teams).
    if (v && v.version < m.version) {
      delete views[key];
      v = undefined;
    }
    return v;
  }
  function signature(m) {
    var v = viewOf(current, m);
    return m.version + '|' + (v ? v.stamp : 0) + '|' + (clicking[m.id] ? 1 : 0);
  }
  function setView(person, m, patch) {
    var key = person.id + '|' + m.id;
    var v = views[key] || { version: patch.version };
    Object.keys(patch).forEach(function (k) {
      v[k] = patch[k];
    });
    v.stamp = ++stamp;
    views[key] = v;
  }

  /** Sends an Action.Execute (or a refresh) to the bot as this person; applies the answer. */
  function invoke(person, m, verb, data, trigger) {
    return api('/api/invoke', {
      personId: person.id,
      messageId: m.id,
      verb: verb,
      data: data || {},
      trigger: trigger,
    })
      .then(function (res) {
        var body = res.body || {};
        var status = body.statusCode || res.status;
        var version = res.version || m.version;
        if (body.type === CARD && body.value)
          setView(person, m, { version: version, card: body.value, note: null });
        else if (body.type === 'application/vnd.microsoft.activity.message')
          setView(person, m, {
            version: version,
            note: String(body.value || ''),
            noteKind: 'info',
          });
        else if (body.type === 'application/vnd.microsoft.error' || status >= 400)
          setView(person, m, {
            version: version,
            note:
              'Boten svarade med ett fel' +
              (body.value && body.value.message ? ': ' + body.value.message : ' (' + status + ').'),
            noteKind: 'error',
          });
        else setView(person, m, { version: version });
      })
      .catch(function (err) {
        setView(person, m, {
          version: m.version,
          note: 'Kunde inte nå boten: ' + err.message,
          noteKind: 'error',
        });
      })
      .then(function () {
        if (trigger === 'manual') delete clicking[m.id];
        render();
      });
  }

  /**
   * Whether Teams refreshes this card automatically for the person: when `refresh.userIds` lists
   * them, or when the card has no `userIds` at all (a chat or channel of at most 60 members, as
   * every demo conversation is). `userIds: []` means manual refresh only.
   */
  function autoRefreshes(person, card) {
    var r = card && card.refresh;
    if (!r || !r.action || r.action.type !== 'Action.Execute') return false;
    if (r.userIds === undefined) return true;
    var ids = Array.isArray(r.userIds) ? r.userIds : [];
    return ids.indexOf(person.id) >= 0 || ids.indexOf(person.aadObjectId) >= 0;
  }

  /** Teams asks the bot for the person's own view of a card (refresh, trigger automatic). */
  function maybeRefresh(person, m, card) {
    if (!autoRefreshes(person, card)) return false;
    var r = card.refresh;
    var key = person.id + '|' + m.id + '|' + m.version;
    if (refreshing[key]) return refreshing[key] === 'pending';
    refreshing[key] = 'pending';
    invoke(person, m, r.action.verb, r.action.data, 'automatic').then(function () {
      refreshing[key] = 'done';
      render();
    });
    return true;
  }

  function renderCard(m, content) {
    var person = current;
    var v = viewOf(person, m);
    var host = el('div', { class: 'card-host' });
    var pending = false;
    if (!v || !v.card) pending = maybeRefresh(person, m, content);
    var json = v && v.card ? v.card : content;
    var card = new AC.AdaptiveCard();
    card.hostConfig = hostConfig;
    card.onExecuteAction = function (action) {
      if (action instanceof AC.ExecuteAction || action.getJsonTypeName() === 'Action.Execute') {
        clicking[m.id] = true;
        render();
        invoke(person, m, action.verb, action.data, 'manual');
      } else if (action instanceof AC.OpenUrlAction) {
        window.open(action.url, '_blank', 'noopener');
      } else {
        setView(person, m, {
          version: m.version,
          note:
            'Den här knapptypen (' +
            action.getJsonTypeName() +
            ') används inte av Projektkontoret.',
          noteKind: 'error',
        });
        render();
      }
    };
    try {
      card.parse(json);
      host.appendChild(card.render());
    } catch (err) {
      host.appendChild(
        el('div', { class: 'card-note error', text: 'Kortet kunde inte visas: ' + err.message }),
      );
    }
    if (pending)
      host.appendChild(
        el('div', { class: 'card-pending', text: 'Hämtar din egen vy av kortet …' }),
      );
    var r = content && content.refresh;
    if (r && r.action && r.action.type === 'Action.Execute' && !autoRefreshes(person, content)) {
      // Teams offers "Refresh card" in the message's menu to everyone else.
      host.appendChild(
        el('button', {
          type: 'button',
          class: 'refresh-link',
          text: '⟳ Uppdatera kortet',
          title: 'Som "Uppdatera kort" i meddelandets meny i Teams',
          onclick: function () {
            clicking[m.id] = true;
            render();
            invoke(person, m, r.action.verb, r.action.data, 'manual');
          },
        }),
      );
    }
    if (clicking[m.id]) host.appendChild(el('div', { class: 'card-pending', text: 'Skickar …' }));
    if (v && v.note) {
      host.appendChild(
        el(
          'div',
          { class: 'card-note' + (v.noteKind === 'error' ? ' error' : ''), role: 'status' },
          [
            el('button', {
              class: 'dismiss',
              type: 'button',
              'aria-label': 'Stäng meddelandet',
              text: '✕',
              onclick: function () {
                setView(person, m, { note: null });
                render();
              },
            }),
            el('span', { html: md(v.note) }),
          ],
        ),
      );
    }
    return host;
  }

  function renderMessage(m) {
    var mine = m.fromId === current.id;
    var body = el('div', { class: 'body' }, [
      el('div', { class: 'meta' }, [
        el('b', { text: m.fromName }),
        ' ' + time(m.timestamp) + (m.version > 1 ? ' · uppdaterat' : ''),
      ]),
    ]);
    if (m.text) body.appendChild(el('div', { class: 'text', html: md(m.text) }));
    (m.attachments || []).forEach(function (a) {
      if (a.contentType === CARD && a.content) body.appendChild(renderCard(m, a.content));
    });
    return el('div', { class: 'msg' + (mine ? ' mine' : ''), 'data-message': m.id }, [
      el('span', {
        class: 'avatar' + (m.fromBot ? ' bot' : ''),
        text: m.fromBot ? 'PK' : initials(m.fromName),
        'aria-hidden': 'true',
      }),
      body,
    ]);
  }

  /** Keeps an element per message; rebuilds one only when it changed (typed input survives). */
  function keyed(key, sig, build) {
    var n = pane.nodes.get(key);
    if (n && n.sig === sig) return n.el;
    var fresh = build();
    if (n && n.el.parentNode) n.el.parentNode.replaceChild(fresh, n.el);
    pane.nodes.set(key, { el: fresh, sig: sig });
    return fresh;
  }

  function sendMessage(convId, threadId, text) {
    var person = current;
    text = text.trim();
    if (!text) return;
    var wkey = threadId || convId;
    waitingFor[wkey] = (waitingFor[wkey] || 0) + 1;
    render();
    api('/api/message', {
      personId: person.id,
      conversationId: convId,
      threadId: threadId,
      text: text,
    })
      .catch(function (err) {
        alert('Meddelandet kom inte fram: ' + err.message);
      })
      .then(function () {
        waitingFor[wkey] = Math.max(0, (waitingFor[wkey] || 1) - 1);
        render();
      });
  }

  function replyBox(root) {
    var ta = el('textarea', {
      rows: '1',
      'aria-label': 'Svara i tråden',
      placeholder: 'Svara (nämner @Projektkontoret)',
    });
    var form = el('form', { class: 'reply-box', 'data-thread': root.id }, [
      ta,
      el('button', { type: 'submit', text: 'Svara' }),
    ]);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var text = ta.value;
      ta.value = '';
      sendMessage(root.conversationId, root.id, text);
    });
    ta.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    return form;
  }

  function renderPane() {
    var conv = conversation(current, selected[current.id]);
    var box = $('messages');
    var key = current.id + '|' + conv.id;
    if (pane.key !== key) {
      pane = { key: key, nodes: new Map() };
      box.innerHTML = '';
    }
    var nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    $('pane-title').textContent =
      conv.kind === 'personal' ? 'Projektkontoret' : config.team.name + ' › ' + conv.name;
    $('pane-sub').textContent =
      conv.kind === 'personal'
        ? 'Personlig chatt – bara ' + current.name + ' ser den'
        : 'Kanal – alla ' + config.people.length + ' medlemmar ser samma inlägg';
    $('mention-chip').style.display = conv.kind === 'channel' ? '' : 'none';
    $('composer-text').setAttribute(
      'aria-label',
      conv.kind === 'channel' ? 'Starta ett nytt inlägg' : 'Skriv ett meddelande',
    );
    $('composer-text').placeholder =
      conv.kind === 'channel' ? 'Starta ett nytt inlägg' : 'Skriv ett meddelande';
    $('composer-send').textContent = conv.kind === 'channel' ? 'Publicera' : 'Skicka';

    var msgs = messagesIn(conv.id).sort(function (a, b) {
      return a.seq - b.seq;
    });
    var wanted = [];
    if (conv.kind === 'personal') {
      msgs.forEach(function (m) {
        wanted.push(
          keyed('m:' + m.id, signature(m), function () {
            return renderMessage(m);
          }),
        );
      });
    } else {
      msgs
        .filter(function (m) {
          return !m.threadId;
        })
        .forEach(function (root) {
          var thread = keyed('t:' + root.id, 'thread', function () {
            return el(
              'section',
              { class: 'thread', 'data-thread': root.id, 'aria-label': 'Tråd' },
              [el('div', { class: 'root' }), el('div', { class: 'replies' }), replyBox(root)],
            );
          });
          var rootSlot = thread.firstChild;
          var rootEl = keyed('m:' + root.id, signature(root), function () {
            return renderMessage(root);
          });
          if (rootSlot.firstChild !== rootEl) {
            rootSlot.innerHTML = '';
            rootSlot.appendChild(rootEl);
          }
          var replies = thread.children[1];
          var replyEls = msgs
            .filter(function (m) {
              return m.threadId === root.id;
            })
            .map(function (m) {
              return keyed('m:' + m.id, signature(m), function () {
                return renderMessage(m);
              });
            });
          if (waitingFor[root.id])
            replyEls.push(el('div', { class: 'typing', text: 'Projektkontoret skriver …' }));
          syncChildren(replies, replyEls);
          wanted.push(thread);
        });
    }
    if (!wanted.length)
      wanted.push(
        el('p', {
          class: 'empty',
          text:
            conv.kind === 'personal'
              ? 'Inga meddelanden ännu. Skriv "hjälp" för att se vad Projektkontoret kan.'
              : 'Inga inlägg ännu.',
        }),
      );
    if (waitingFor[conv.id])
      wanted.push(el('div', { class: 'typing', text: 'Projektkontoret skriver …' }));
    syncChildren(box, wanted);
    if (nearBottom) box.scrollTop = box.scrollHeight;
    markSeen(current, conv.id);
  }

  function syncChildren(parent, children) {
    children.forEach(function (c, i) {
      if (parent.children[i] !== c) parent.insertBefore(c, parent.children[i] || null);
    });
    while (parent.children.length > children.length) parent.removeChild(parent.lastChild);
  }

  function render() {
    if (!current) return;
    renderPane();
    renderRail();
    renderPeople();
  }

  function open(convId) {
    selected[current.id] = convId;
    render();
    $('composer-text').focus();
  }

  function switchTo(person) {
    current = person;
    if (!selected[person.id]) selected[person.id] = person.personalChatId;
    try {
      history.replaceState(
        null,
        '',
        '#' + encodeURIComponent(person.name.split(' ')[0].toLowerCase()),
      );
    } catch (e) {
      /* ignore */
    }
    pane.key = null;
    render();
  }

  function poll() {
    fetch('/api/state?since=' + state.rev)
      .then(function (r) {
        return r.json();
      })
      .then(function (s) {
        if (s && typeof s.rev === 'number' && s.rev !== state.rev) {
          state = s;
          render();
        }
        poll();
      })
      .catch(function () {
        setTimeout(poll, 1000);
      });
  }

  function start() {
    api('/api/config').then(function (c) {
      config = c;
      var wanted = decodeURIComponent((location.hash || '').slice(1));
      var first =
        config.people.filter(function (p) {
          return p.name.split(' ')[0].toLowerCase() === wanted;
        })[0] || config.people[0];
      var form = $('composer');
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        var ta = $('composer-text');
        var text = ta.value;
        ta.value = '';
        sendMessage(selected[current.id], undefined, text);
      });
      $('composer-text').addEventListener('keydown', function (e) {
        if (e.key === 'Enter' && !e.shiftKey) {
          e.preventDefault();
          form.requestSubmit();
        }
      });
      api('/api/state?since=-1').then(function (s) {
        state = s;
        switchTo(first);
        // Nothing is "new" in a fresh window: each person starts having seen what is there.
        config.people.forEach(function (p) {
          conversationsOf(p).forEach(function (cv) {
            if (seen[p.id + '|' + cv.id] === undefined) markSeen(p, cv.id);
          });
        });
        render();
        poll();
      });
    });
  }
  start();
})();
