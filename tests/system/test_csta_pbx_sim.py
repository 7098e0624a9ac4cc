"""The PBX simulator of issue 17 checked on its own, by a client written
here (not the box's code): Annex J frames, the handshakes, monitors and
their events, snapshots, services and their events, errors for unknown
devices and calls, a dropped link."""

import socket
import struct
import unittest
import xml.etree.ElementTree as ET

from csta_pbx_sim import NS, PbxSim, find, frame, local


class Client:
    def __init__(self, port, ns=NS["ed4"]):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.ns = ns
        self.buf = b""
        self.next_id = 0

    def invoke(self, name, body=""):
        self.next_id += 1
        self.sock.sendall(frame(self.next_id, "<%s xmlns=\"%s\">%s</%s>"
                                % (name, self.ns, body, name)))
        return self.next_id

    def read(self):
        """(invoke id, root element) of the next frame."""
        while True:
            if len(self.buf) >= 8:
                (n,) = struct.unpack(">H", self.buf[2:4])
                if len(self.buf) >= n:
                    f, self.buf = self.buf[:n], self.buf[n:]
                    assert f[:2] == b"\0\0"
                    return int(f[4:8]), ET.fromstring(f[8:])
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data

    def answer(self, invoke_id):
        """The response to `invoke_id` (events on the way kept)."""
        self.events = getattr(self, "events", [])
        while True:
            i, root = self.read()
            if i == invoke_id:
                return root
            self.events.append(root)

    def event(self):
        self.events = getattr(self, "events", [])
        if self.events:
            return self.events.pop(0)
        i, root = self.read()
        assert i == 9999, i
        return root

    def close(self):
        self.sock.close()


class PbxSimTest(unittest.TestCase):
    def setUp(self):
        self.pbx = PbxSim()
        self.c = Client(self.pbx.port)

    def tearDown(self):
        self.c.close()
        self.pbx.close()

    def monitor(self, number):
        r = self.c.answer(self.c.invoke(
            "MonitorStart", "<monitorObject><deviceObject>%s</deviceObject>"
            "</monitorObject>" % number))
        self.assertEqual(local(r.tag), "MonitorStartResponse")
        return find(r, "monitorCrossRefID")

    def test_monitors_calls_and_their_events(self):
        x1, x2 = self.monitor("3001"), self.monitor("3002")
        self.assertNotEqual(x1, x2)
        r = self.c.answer(self.c.invoke("MonitorStart", "<monitorObject>"
                                        "<deviceObject>9999</deviceObject>"
                                        "</monitorObject>"))
        self.assertEqual(local(r.tag), "CSTAErrorCode")
        self.assertEqual(find(r, "operation"), "invalidDeviceID")
        cid = self.pbx.dial("3001", "3002")
        seen = [self.c.event() for _ in range(4)]
        names = [local(e.tag) for e in seen]
        self.assertEqual(names, ["ServiceInitiatedEvent", "OriginatedEvent",
                                 "DeliveredEvent", "DeliveredEvent"])
        self.assertEqual(find(seen[3], "monitorCrossRefID"), x2)
        self.assertEqual(find(seen[3], "localConnectionInfo"), "alerting")
        self.assertEqual(find(seen[2], "localConnectionInfo"), "connected")
        # A snapshot of the ringing phone.
        r = self.c.answer(self.c.invoke(
            "SnapshotDevice", "<snapshotObject>3002</snapshotObject>"))
        self.assertIn(cid, ET.tostring(r).decode())
        # The box answers it for the user, then holds it; the caller hangs up.
        r = self.c.answer(self.c.invoke(
            "AnswerCall", "<callToBeAnswered><callID>%s</callID><deviceID>"
            "3002</deviceID></callToBeAnswered>" % cid))
        self.assertEqual(local(r.tag), "AnswerCallResponse")
        self.assertEqual(local(self.c.event().tag), "EstablishedEvent")
        self.c.answer(self.c.invoke(
            "HoldCall", "<callToBeHeld><callID>%s</callID><deviceID>3002"
            "</deviceID></callToBeHeld>" % cid))
        self.pbx.hang_up(cid, "3001")
        names = [local(self.c.event().tag) for _ in range(5)]
        self.assertEqual(names.count("HeldEvent"), 2)
        self.assertEqual(names.count("ConnectionClearedEvent"), 2)
        self.assertEqual(names.count("EstablishedEvent"), 1)

    def test_phone_services_and_errors(self):
        self.monitor("3001")
        r = self.c.answer(self.c.invoke(
            "SetDisplay", "<device>3001</device><contentsOfDisplay>Hi &amp; "
            "bye</contentsOfDisplay>"))
        self.assertEqual(local(r.tag), "SetDisplayResponse")
        self.assertEqual(self.pbx.display("3001"), "Hi & bye")
        self.assertEqual(local(self.c.event().tag), "DisplayUpdatedEvent")
        self.c.answer(self.c.invoke(
            "SetMessageWaitingIndicator", "<device>3001</device>"
            "<messageWaitingOn>true</messageWaitingOn>"))
        self.assertTrue(self.pbx.phones["3001"].lamp)
        self.c.answer(self.c.invoke(
            "SetForwarding", "<device>3001</device><forwardingType>"
            "forwardImmediate</forwardingType><activateForward>true"
            "</activateForward><forwardDN>3003</forwardDN>"))
        self.assertEqual(self.pbx.phones["3001"].forward, "3003")
        r = self.c.answer(self.c.invoke(
            "MakeCall", "<callingDevice>3001</callingDevice>"
            "<calledDirectoryNumber>3003</calledDirectoryNumber>"))
        cid = find(r, "callingDevice/callID")
        self.assertIn(cid, self.pbx.calls)
        r = self.c.answer(self.c.invoke(
            "ClearConnection", "<connectionToBeCleared><callID>nope</callID>"
            "<deviceID>3001</deviceID></connectionToBeCleared>"))
        self.assertEqual(find(r, "operation"), "invalidCallID")
        r = self.c.answer(self.c.invoke("ParkCall"))
        self.assertEqual(local(r.tag), "CSTAErrorCode")
        self.assertEqual([local(e.tag) for e in self.pbx.invoked("MakeCall")],
                         ["MakeCall"])
        # The user's keys and hook reach the monitor.
        self.pbx.press("3001", "12")
        self.pbx.off_hook("3001")
        names = []
        while "HookswitchEvent" not in names:
            names.append(local(self.c.event().tag))
        self.assertIn("ButtonPressEvent", names)

    def test_handshakes_and_a_dropped_link(self):
        pbx = PbxSim(edition="ed6", handshake="application-session")
        c = Client(pbx.port, NS["ed6"])
        try:
            r = c.answer(c.invoke(
                "StartApplicationSession", "<requestedSessionDuration>60"
                "</requestedSessionDuration>"))
            self.assertEqual(local(r.tag),
                             "StartApplicationSessionPosResponse")
            self.assertEqual(find(r, "actualSessionDuration"), "60")
            r = c.answer(c.invoke("SystemStatus",
                                  "<systemStatus>normal</systemStatus>"))
            self.assertEqual(r.tag, "{%s}SystemStatusResponse" % NS["ed6"])
            pbx.drop()
            self.assertIsNone(c.read())
            self.assertEqual(pbx.monitored(), [])
        finally:
            c.close()
            pbx.close()


if __name__ == "__main__":
    unittest.main()
