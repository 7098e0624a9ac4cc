"""The services of the PBX simulator (csta_pbx_sim.py): what the PBX does
when the box invokes MonitorStart, SnapshotDevice, SetDisplay, MakeCall,
AnswerCall, ... (ECMA-269), with the events each one causes. A mixin of
PbxSim: it uses the simulator's phones, calls, monitors and senders."""

from xml.sax.saxutils import escape


def local(tag):
    return tag.rsplit("}", 1)[-1]


def find(elem, path):
    """Text at a slash path of local names, or ""."""
    for name in path.split("/"):
        if elem is None:
            return ""
        elem = next((c for c in elem if local(c.tag) == name), None)
    if elem is None:
        return ""
    # A device element holds its id as text or in deviceIdentifier/deviceID.
    inner = next((c for c in elem if local(c.tag) in
                  ("deviceIdentifier", "deviceID")), None)
    return ((inner.text if inner is not None else elem.text) or "").strip()


class Call:
    def __init__(self, cid, caller, callee):
        self.id, self.caller, self.callee = cid, caller, callee
        self.state = {caller: "connected", callee: "alerting"}


class PbxServices:
    def _on_StartApplicationSession(self, i, root):
        sid = "S%d" % (len(self.sessions) + 1)
        self.sessions.append(sid)
        self._send(i, "<StartApplicationSessionPosResponse xmlns=\""
                   "http://www.ecma-international.org/standards/ecma-354/"
                   "appl_session\"><sessionID>%s</sessionID>"
                   "<actualProtocolVersion>%s</actualProtocolVersion>"
                   "<actualSessionDuration>%s</actualSessionDuration>"
                   "</StartApplicationSessionPosResponse>"
                   % (sid, self.ns,
                      find(root, "requestedSessionDuration") or "600"))

    def _on_ResetApplicationSessionTimer(self, i, root):
        self._reply(i, "ResetApplicationSessionTimerPosResponse")

    def _on_SystemRegister(self, i, root):
        self._reply(i, "SystemRegisterResponse",
                    "<sysStatRegisterID>1</sysStatRegisterID>")

    def _on_SystemStatus(self, i, root):
        self._reply(i, "SystemStatusResponse")

    def _on_MonitorStart(self, i, root):
        number = find(root, "monitorObject/deviceObject")
        if self._phone(i, number) is None:
            return
        xref = str(next(self.xrefs))
        self.monitors[xref] = number
        self._reply(i, "MonitorStartResponse",
                    "<monitorCrossRefID>%s</monitorCrossRefID>" % xref)

    def _on_MonitorStop(self, i, root):
        self.monitors.pop(find(root, "monitorCrossRefID"), None)
        self._reply(i, "MonitorStopResponse")

    def _on_SnapshotDevice(self, i, root):
        number = find(root, "snapshotObject")
        if self._phone(i, number) is None:
            return
        items = "".join(
            "<snapshotDeviceResponseInfo><connectionIdentifier><callID>%s"
            "</callID><deviceID>%s</deviceID></connectionIdentifier>"
            "<localCallState><compoundCallState><localConnectionState>%s"
            "</localConnectionState></compoundCallState></localCallState>"
            "</snapshotDeviceResponseInfo>" % (c.id, number, c.state[number])
            for c in self.calls.values() if number in c.state)
        self._reply(i, "SnapshotDeviceResponse",
                    "<crossRefIDorSnapshotData><snapshotData>%s"
                    "</snapshotData></crossRefIDorSnapshotData>" % items)

    def _on_SetDisplay(self, i, root):
        p = self._phone(i, find(root, "device"))
        if p is None:
            return
        p.display = find(root, "contentsOfDisplay")
        p.displays.append(p.display)
        self._reply(i, "SetDisplayResponse")
        self._event(p.number, "DisplayUpdatedEvent",
                    "<device>%s</device><contentsOfDisplay>%s"
                    "</contentsOfDisplay>" % (p.number, escape(p.display)))

    def _on_SetMessageWaitingIndicator(self, i, root):
        p = self._phone(i, find(root, "device"))
        if p is None:
            return
        p.lamp = find(root, "messageWaitingOn") == "true"
        self._reply(i, "SetMessageWaitingIndicatorResponse")
        self._event(p.number, "MessageWaitingEvent",
                    "<targetDevice>%s</targetDevice><messageWaitingOn>%s"
                    "</messageWaitingOn>" % (p.number, str(p.lamp).lower()))

    def _on_SetDoNotDisturb(self, i, root):
        p = self._phone(i, find(root, "device"))
        if p is None:
            return
        p.dnd = find(root, "doNotDisturbOn") == "true"
        self._reply(i, "SetDoNotDisturbResponse")
        self._event(p.number, "DoNotDisturbEvent",
                    "<device>%s</device><doNotDisturbOn>%s</doNotDisturbOn>"
                    % (p.number, str(p.dnd).lower()))

    def _on_SetForwarding(self, i, root):
        p = self._phone(i, find(root, "device"))
        if p is None:
            return
        on = find(root, "activateForward") == "true"
        p.forward = find(root, "forwardDN") if on else None
        self._reply(i, "SetForwardingResponse")
        self._event(p.number, "ForwardingEvent",
                    "<device>%s</device><forwardingType>%s</forwardingType>"
                    "<forwardStatus>%s</forwardStatus>%s"
                    % (p.number, find(root, "forwardingType") or
                       "forwardImmediate", str(on).lower(),
                       "<forwardTo>%s</forwardTo>" % p.forward if on else ""))

    def _on_MakeCall(self, i, root):
        caller = find(root, "callingDevice")
        callee = find(root, "calledDirectoryNumber")
        if self._phone(i, caller) is None:
            return
        if callee not in self.phones:
            self._error(i, "invalidCalledDeviceID")
            return
        cid = "%032X" % next(self.cids)
        self.calls[cid] = Call(cid, caller, callee)  # known before answered
        self._reply(i, "MakeCallResponse",
                    self._conn("callingDevice", cid, caller))
        # The PBX makes the call from the caller's phone (it goes off hook).
        self.dial(caller, callee, cid)

    def _call_of(self, i, root, tag):
        c = self.calls.get(find(root, tag + "/callID"))
        if c is None:
            self._error(i, "invalidCallID")
        return c

    def _on_AnswerCall(self, i, root):
        c = self._call_of(i, root, "callToBeAnswered")
        if c:
            self._reply(i, "AnswerCallResponse")
            self.answer(c.id)

    def _on_ClearConnection(self, i, root):
        c = self._call_of(i, root, "connectionToBeCleared")
        if c:
            self._reply(i, "ClearConnectionResponse")
            self.hang_up(c.id, find(root, "connectionToBeCleared/deviceID"))

    def _hold(self, i, root, tag, state, event, role):
        c = self._call_of(i, root, tag)
        if not c:
            return
        number = find(root, tag + "/deviceID")
        c.state[number] = state
        self._reply(i, local(root.tag) + "Response")
        self._both(c, event, number, lambda me: self._conn(
            "heldConnection" if state == "hold" else "retrievedConnection",
            c.id, number) + self._dev(role, number) + self._state(me, c))

    def _on_HoldCall(self, i, root):
        self._hold(i, root, "callToBeHeld", "hold", "HeldEvent",
                   "holdingDevice")

    def _on_RetrieveCall(self, i, root):
        self._hold(i, root, "callToBeRetrieved", "connected",
                   "RetrievedEvent", "retrievingDevice")

    def _on_DeflectCall(self, i, root):
        c = self._call_of(i, root, "callToBeDiverted")
        if not c:
            return
        to = find(root, "newDestination")
        if to not in self.phones:
            self._error(i, "invalidDestination")
            return
        old = c.callee
        self._reply(i, "DeflectCallResponse")
        c.state.pop(old, None)
        self._event(old, "DivertedEvent",
                    self._conn("connection", c.id, old) +
                    self._dev("divertingDevice", old) +
                    self._dev("newDestination", to) +
                    "<localConnectionInfo>null</localConnectionInfo>")
        c.callee = to
        c.state[to] = "alerting"
        self._both(c, "DeliveredEvent", to,
                   lambda me: self._conn("connection", c.id, to) +
                   self._dev("alertingDevice", to) +
                   self._dev("callingDevice", c.caller) +
                   self._dev("calledDevice", to) + self._state(me, c))

    def _on_SingleStepTransferCall(self, i, root):
        c = self._call_of(i, root, "activeCall")
        if not c:
            return
        who = find(root, "activeCall/deviceID")
        to = find(root, "transferredTo")
        if to not in self.phones:
            self._error(i, "invalidDestination")
            return
        self._reply(i, "SingleStepTransferCallResponse")
        other = c.callee if who == c.caller else c.caller
        del self.calls[c.id]
        n = Call("%032X" % next(self.cids), other, to)
        n.state = {other: "connected", to: "alerting"}
        self.calls[n.id] = n
        body = ("<primaryOldCall><callID>%s</callID><deviceID>%s</deviceID>"
                "</primaryOldCall>" % (c.id, who) +
                self._dev("transferringDevice", who) +
                self._dev("transferredToDevice", to) +
                "<transferredConnections><connectionListItem><newConnection>"
                "<callID>%s</callID><deviceID>%s</deviceID></newConnection>"
                "</connectionListItem><connectionListItem><newConnection>"
                "<callID>%s</callID><deviceID>%s</deviceID></newConnection>"
                "</connectionListItem></transferredConnections>"
                % (n.id, other, n.id, to))
        for number, st in ((who, "null"), (other, "connected"),
                           (to, "alerting")):
            self._event(number, "TransferedEvent", body +
                        "<localConnectionInfo>%s</localConnectionInfo>" % st)
