"""A PBX with a CSTA XML link for the tests (issue 17), independent of the
box's code: a TCP server speaking ECMA-323 (editions ed3, ed4 or ed6) in the
framing real PBXs use (ECMA-323 Annex J: 0x0000, the whole frame's length,
a 4-digit invoke id, the XML; events under invoke id 9999), with its own
call model for several digital phones, their displays, keys, hooks, lamps,
do-not-disturb and forwarding.

The box is the CTI application: it monitors devices (MonitorStart, answered
with a cross reference; an unknown device gets CSTAErrorCode
invalidDeviceID), takes a snapshot, invokes services (MakeCall, AnswerCall,
ClearConnection, HoldCall, RetrieveCall, DeflectCall, SingleStepTransferCall,
SetForwarding, SetDoNotDisturb, SetDisplay, SetMessageWaitingIndicator) and
hears the events of its monitors. The test scripts the users: `press`,
`off_hook`/`on_hook`, `dial` (a call between two phones), `answer`,
`hang_up`; and faults: `drop` (the link cut), `pause` (no answers),
`send_raw` (any bytes).

Handshake: "none", "system-register" (SystemRegister answered) or
"application-session" (ECMA-354 StartApplicationSession answered, the session
kept by ResetApplicationSessionTimer)."""

import itertools
import socket
import ssl
import struct
import threading
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from csta_pbx_services import Call, PbxServices, find, local
from harness import wait_until

NS = {
    "ed3": "http://www.ecma-international.org/standards/ecma-323/csta/ed3",
    "ed4": "http://www.ecma-international.org/standards/ecma-323/csta/ed4",
    "ed6": "http://www.ecma-international.org/standards/ecma-323/csta/ed6",
}
EVENT_ID = 9999


def frame(invoke_id, xml):
    body = xml.encode()
    return struct.pack(">HH", 0, len(body) + 8) + b"%04d" % invoke_id + body


class Phone:
    def __init__(self, number, rows=2, columns=24):
        self.number = number
        self.rows, self.columns = rows, columns
        self.display = ""
        self.displays = []      # every SetDisplay, in order
        self.lamp = False
        self.dnd = False
        self.forward = None     # destination while forwarding
        self.off_hook = False


class PbxSim(PbxServices):
    def __init__(self, phones=("3001", "3002", "3003"), edition="ed4",
                 handshake="none", tls=None):
        """`tls`: (certificate file, key file) to serve TLS."""
        self.tls = None
        if tls:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(*tls)
        self.ns = NS[edition]
        self.handshake = handshake
        self.phones = {n: Phone(n) for n in phones}
        self.calls = {}
        self.monitors = {}        # cross ref -> number
        self.requests = []        # (service name, element) the box invoked
        self.sessions = []        # StartApplicationSession ids granted
        self.paused = False
        self.connections = 0      # how many times the box connected
        self.lock = threading.RLock()
        self.cids = itertools.count(1)
        self.xrefs = itertools.count(501)
        self.conn = None
        self.srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(4)
        self.port = self.srv.getsockname()[1]
        self.closed = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    # -- the users ------------------------------------------------------------
    def press(self, number, button):
        self._event(number, "ButtonPressEvent",
                    "<device>%s</device><button>%s</button>"
                    % (number, escape(button)))

    def set_dnd(self, number, on):
        """The user sets do-not-disturb on the phone itself."""
        with self.lock:
            self.phones[number].dnd = on
        self._event(number, "DoNotDisturbEvent",
                    "<device>%s</device><doNotDisturbOn>%s</doNotDisturbOn>"
                    % (number, str(on).lower()))

    def set_forward(self, number, to):
        """The user forwards the phone's calls to `to` (None: off)."""
        with self.lock:
            self.phones[number].forward = to
        self._event(number, "ForwardingEvent",
                    "<device>%s</device><forwardingType>forwardImmediate"
                    "</forwardingType><forwardStatus>%s</forwardStatus>%s"
                    % (number, str(to is not None).lower(),
                       "<forwardTo>%s</forwardTo>" % to if to else ""))

    def off_hook(self, number):
        with self.lock:
            self.phones[number].off_hook = True
        self._event(number, "HookswitchEvent",
                    "<device>%s</device><hookswitch>0</hookswitch>"
                    "<hookswitchOnHook>false</hookswitchOnHook>" % number)

    def on_hook(self, number):
        with self.lock:
            self.phones[number].off_hook = False
        self._event(number, "HookswitchEvent",
                    "<device>%s</device><hookswitch>0</hookswitch>"
                    "<hookswitchOnHook>true</hookswitchOnHook>" % number)

    def dial(self, caller, callee, cid=None):
        """`caller` lifts and dials `callee`: it rings there. Returns the
        call id."""
        with self.lock:
            cid = cid or "%032X" % next(self.cids)
            if cid not in self.calls:
                self.calls[cid] = Call(cid, caller, callee)
            c = self.calls[cid]
            self.phones[caller].off_hook = True
        self._both(c, "ServiceInitiatedEvent", caller,
                   lambda me: self._conn("initiatedConnection", cid, caller) +
                   self._dev("initiatingDevice", caller) +
                   self._state(me, c, "initiated"), only=caller)
        self._both(c, "OriginatedEvent", caller,
                   lambda me: self._conn("originatedConnection", cid, caller) +
                   self._dev("callingDevice", caller) +
                   self._dev("calledDevice", callee) +
                   self._state(me, c), only=caller)
        self._both(c, "DeliveredEvent", callee,
                   lambda me: self._conn("connection", cid, callee) +
                   self._dev("alertingDevice", callee) +
                   self._dev("callingDevice", caller) +
                   self._dev("calledDevice", callee) + self._state(me, c) +
                   "<cause>newCall</cause>")
        return cid

    def answer(self, cid):
        with self.lock:
            c = self.calls[cid]
            c.state[c.callee] = "connected"
            self.phones[c.callee].off_hook = True
        self._both(c, "EstablishedEvent", c.callee,
                   lambda me: self._conn("establishedConnection", cid,
                                         c.callee) +
                   self._dev("answeringDevice", c.callee) +
                   self._dev("callingDevice", c.caller) +
                   self._dev("calledDevice", c.callee) + self._state(me, c))

    def hang_up(self, cid, number):
        with self.lock:
            c = self.calls.pop(cid, None)
            if c is None:
                return
            for n in c.state:
                c.state[n] = "null"
                self.phones[n].off_hook = False
        self._both(c, "ConnectionClearedEvent", number,
                   lambda me: self._conn("droppedConnection", cid, number) +
                   self._dev("releasingDevice", number) +
                   self._state(me, c) + "<cause>normalClearing</cause>")

    # -- faults ---------------------------------------------------------------
    def drop(self):
        with self.lock:
            if self.conn:
                try:
                    self.conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self.conn.close()
                self.conn = None
            self.monitors = {}

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False

    def send_raw(self, data):
        with self.lock:
            if self.conn:
                self.conn.sendall(data)

    # -- introspection --------------------------------------------------------
    def display(self, number):
        with self.lock:
            return self.phones[number].display

    def monitored(self):
        with self.lock:
            return sorted(set(self.monitors.values()))

    def invoked(self, name):
        with self.lock:
            return [e for n, e in self.requests if n == name]

    def wait_for(self, predicate, what, timeout=15.0):
        return wait_until(predicate, "PBX simulator: " + what, timeout)

    def close(self):
        self.closed = True
        self.drop()
        try:
            self.srv.shutdown(socket.SHUT_RDWR)  # wakes accept()
        except OSError:
            pass
        self.srv.close()
        self.thread.join(2)

    # -- events ---------------------------------------------------------------
    @staticmethod
    def _conn(tag, cid, number):
        return ("<%s><callID>%s</callID><deviceID>%s</deviceID></%s>"
                % (tag, cid, number, tag))

    @staticmethod
    def _dev(tag, number):
        return ("<%s><deviceIdentifier>%s</deviceIdentifier></%s>"
                % (tag, number, tag))

    @staticmethod
    def _state(me, c, override=None):
        return ("<localConnectionInfo>%s</localConnectionInfo>"
                % (override or c.state.get(me, "null")))

    def _both(self, c, name, subject, body, only=None):
        """Event `name` to the monitors of the call's parties (or `only`),
        each with its own localConnectionInfo."""
        for number in ([only] if only else [c.caller, c.callee]):
            self._event(number, name, body(number))

    def _event(self, number, name, body):
        with self.lock:
            refs = [x for x, n in self.monitors.items() if n == number]
            for x in refs:
                self._send(EVENT_ID, "<%s xmlns=\"%s\"><monitorCrossRefID>%s"
                           "</monitorCrossRefID>%s</%s>"
                           % (name, self.ns, x, body, name))

    def _send(self, invoke_id, xml):
        if self.conn:
            try:
                self.conn.sendall(frame(invoke_id, xml))
            except OSError:
                pass

    # -- the link -------------------------------------------------------------
    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            if self.tls:
                try:
                    conn.settimeout(10)
                    conn = self.tls.wrap_socket(conn, server_side=True)
                    conn.settimeout(None)
                except (OSError, ssl.SSLError):
                    conn.close()
                    continue
            with self.lock:
                if self.conn:
                    self.conn.close()
                self.conn = conn
                self.monitors = {}
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,),
                             daemon=True).start()

    def _serve(self, conn):
        buf = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while len(buf) >= 8:
                if buf[:2] != b"\0\0":
                    conn.close()
                    return
                (length,) = struct.unpack(">H", buf[2:4])
                if length < 8 or len(buf) < length:
                    break
                invoke_id = int(buf[4:8])
                xml, buf = buf[8:length], buf[length:]
                if not self.paused:
                    with self.lock:
                        if conn is self.conn:
                            self._request(invoke_id, xml)

    def _reply(self, invoke_id, name, body=""):
        self._send(invoke_id, "<%s xmlns=\"%s\">%s</%s>"
                   % (name, self.ns, body, name))

    def _error(self, invoke_id, value):
        self._reply(invoke_id, "CSTAErrorCode",
                    "<operation>%s</operation>" % value)

    def _request(self, invoke_id, xml):
        try:
            root = ET.fromstring(xml)
        except ET.ParseError:
            self._error(invoke_id, "generic")
            return
        name = local(root.tag)
        self.requests.append((name, root))
        handler = getattr(self, "_on_" + name, None)
        if handler is None:
            self._error(invoke_id, "requestIncompatibleWithObject")
            return
        handler(invoke_id, root)

    def _phone(self, invoke_id, number):
        p = self.phones.get(number)
        if p is None:
            self._error(invoke_id, "invalidDeviceID")
        return p
