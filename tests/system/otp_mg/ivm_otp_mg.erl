%% An H.248 media gateway for the tests on Erlang/OTP's megaco stack: a
%% stack nobody here wrote decodes every message the box sends, builds
%% every message the box reads, and runs the transactions (retransmission,
%% reply cache, TransactionResponseAck). This module is only the gateway's
%% user logic: analog lines line/1..N, contexts with an ephemeral RTP
%% termination each.
%%
%% Started by otp_mg.py as
%%   erl -noshell -pa DIR -run ivm_otp_mg main MGPORT MGCPORT ENCODING LINES RTPPORTS
%% (ENCODING pretty|compact; RTPPORTS the comma-separated ports of the RTP
%% sockets otp_mg.py owns, handed out one per ephemeral termination).
%% Commands on stdin, one per line: start | restart | offhook N | onhook N |
%% dial N DIGITS | quit. Reports on stdout, one per line:
%%   ready PORT
%%   line NAME CONTEXT EVENTS SIGNALS DIGITMAP   (after every change; lists
%%                                               comma-separated or -)
%%   display NAME SIGNAL DDB  (andisp signals: caller ID, the lamp)
%%   add CONTEXT TERM PORT | remote TERM IP PORT | subtract CONTEXT TERM
%%   cmd VERB TERM          (each command received)
%%   reply ok | reply error CODE                (replies to its requests)
%%   error KIND DETAIL      (what OTP could not decode or match)
-module(ivm_otp_mg).
-behaviour(megaco_user).

-include_lib("megaco/include/megaco.hrl").
-include_lib("megaco/include/megaco_message_v1.hrl").

-export([main/1]).
-export([handle_connect/2, handle_disconnect/3, handle_syntax_error/3,
         handle_message_error/3, handle_trans_request/3,
         handle_trans_long_request/3, handle_trans_reply/4,
         handle_trans_ack/4, handle_unexpected_trans/3,
         handle_trans_request_abort/4, handle_segment_reply/5]).

-record(line, {name, off_hook = false, rid = 0, events = [], strict = [],
               signals = [], dm = "", context = ?megaco_null_context_id}).
-record(st, {port, lines, contexts = #{}, next_ctx = 100, next_eph = 1,
             ports}).

main([MgPort0, MgcPort0, Enc, Lines0, Ports0]) ->
    MgPort = list_to_integer(MgPort0),
    MgcPort = list_to_integer(MgcPort0),
    EncMod = case Enc of
                 "compact" -> megaco_compact_text_encoder;
                 _ -> megaco_pretty_text_encoder
             end,
    ok = megaco:start(),
    Mid = {ip4Address, #'IP4Address'{address = [127, 0, 0, 1],
                                     portNumber = MgPort}},
    persistent_term:put(ivm_mid, Mid),
    ok = megaco:start_user(Mid, [{user_mod, ?MODULE}, {send_mod, megaco_udp},
                                 {encoding_mod, EncMod},
                                 {encoding_config, []}]),
    RH = megaco:user_info(Mid, receive_handle),
    {ok, Sup} = megaco_udp:start_transport(),
    {ok, SH, Ctl} = megaco_udp:open(Sup, [{port, MgPort},
                                          {receive_handle, RH},
                                          {udp_options,
                                           [{ip, {127, 0, 0, 1}}]}]),
    Send = megaco_udp:create_send_handle(SH, {127, 0, 0, 1}, MgcPort),
    {ok, _} = megaco:connect(RH, preliminary_mid, Send, Ctl),
    Names = ["line/" ++ integer_to_list(I)
             || I <- lists:seq(1, list_to_integer(Lines0))],
    Lines = maps:from_list([{N, #line{name = N}} || N <- Names]),
    Ports = [list_to_integer(P) || P <- string:lexemes(Ports0, ",")],
    register(ivm_mg, self()),
    Self = self(),
    spawn_link(fun() -> stdin(Self) end),
    out("ready ~b", [MgPort]),
    loop(#st{port = MgPort, lines = Lines, ports = Ports}).

stdin(Pid) ->
    case io:get_line("") of
        eof -> halt(0);
        {error, _} -> halt(0);
        L -> Pid ! {cmd, string:lexemes(string:trim(L), " ")}, stdin(Pid)
    end.

out(Format, Args) ->
    io:put_chars([io_lib:format(Format, Args), $\n]).

loop(St) ->
    receive
        {cmd, C} ->
            loop(command(C, St));
        {request, From, Ref, Actions} ->
            {Replies, St1} = actions(Actions, St, []),
            From ! {Ref, Replies},
            %% Events asked with strict=state are reported when the line is
            %% in that state already (H.248.1 Annex E.9), after the reply.
            erlang:send_after(20, self(), strict),
            loop(St1);
        strict ->
            loop(strict(St))
    end.

%% -- the scripted user ------------------------------------------------------

command(["start"], St) ->
    service_change(St),
    St;
command(["restart"], St) ->
    %% A restart: the contexts and their RTP are gone, the hooks stay.
    [out("subtract ~b ~s", [C, T])
     || {C, Ts} <- maps:to_list(St#st.contexts), T <- maps:keys(Ts)],
    Lines = maps:map(fun(_, L) ->
                             L#line{events = [], strict = [], signals = [],
                                    context = ?megaco_null_context_id}
                     end, St#st.lines),
    [report(L) || L <- maps:values(Lines)],
    service_change(St),
    St#st{lines = Lines, contexts = #{}};
command(["offhook", N], St) ->
    observe(N, St, fun(L) -> {L#line{off_hook = true}, [{"al/of", []}]} end);
command(["onhook", N], St) ->
    observe(N, St, fun(L) -> {L#line{off_hook = false}, [{"al/on", []}]} end);
command(["dial", N, Digits], St) ->
    H248 = [case D of $* -> $E; $# -> $F; _ -> D end || D <- Digits],
    observe(N, St, fun(L) ->
        case lists:member("dd/ce", L#line.events) of
            true ->
                {L, [{"dd/ce", [{"ds", H248}, {"Meth", "FM"}]}]};
            false ->
                {L, [{"dd/d" ++ digit_event(D), []} || D <- H248]}
        end
    end);
command(["quit"], _) ->
    halt(0);
command(Other, St) ->
    out("error command ~w", [Other]),
    St.

digit_event($E) -> "s";
digit_event($F) -> "o";
digit_event(D) -> [D].

%% An observed event stops the line's signals (no KeepActive), then is
%% notified if the controller asked for it.
observe(N, St, F) ->
    Name = "line/" ++ N,
    {L0, Events} = F(maps:get(Name, St#st.lines)),
    L = L0#line{signals = []},
    report(L),
    [notify(L, Ev, Params) || {Ev, Params} <- Events],
    St#st{lines = maps:put(Name, L, St#st.lines)}.

notify(#line{events = Wanted} = L, Ev, Params) ->
    case lists:member(Ev, Wanted) of
        false -> ok;
        true ->
            Obs = #'ObservedEvent'{
                     eventName = Ev,
                     eventParList = [#'EventParameter'{eventParameterName = K,
                                                       value = [V]}
                                     || {K, V} <- Params]},
            Notify = #'NotifyRequest'{
                        terminationID = [tid(L#line.name)],
                        observedEventsDescriptor =
                            #'ObservedEventsDescriptor'{
                               requestId = L#line.rid,
                               observedEventLst = [Obs]}},
            cast(L#line.context, {notifyReq, Notify})
    end.

service_change(St) ->
    Parm = #'ServiceChangeParm'{serviceChangeMethod = restart,
                                serviceChangeAddress = {portNumber, St#st.port},
                                serviceChangeReason = ["901 Cold Boot"]},
    cast(?megaco_null_context_id,
         {serviceChangeReq,
          #'ServiceChangeRequest'{terminationID = [?megaco_root_termination_id],
                                  serviceChangeParms = Parm}}).

%% After the ServiceChange reply megaco replaces the preliminary connection
%% by one to the controller's mid: always take the current one.
cast(Ctx, Command) ->
    [CH | _] = megaco:user_info(persistent_term:get(ivm_mid), connections),
    Req = #'ActionRequest'{contextId = Ctx,
                           commandRequests = [#'CommandRequest'{
                                                 command = Command}]},
    case megaco:cast(CH, [Req], []) of
        ok -> ok;
        Error -> out("error cast ~w", [Error])
    end.

strict(St) ->
    Lines = maps:map(
              fun(_, #line{strict = S, off_hook = Off} = L) ->
                      [notify(L, E, []) || E <- S,
                                           (E =:= "al/on" andalso not Off)
                                               orelse
                                                 (E =:= "al/of" andalso Off)],
                      L#line{strict = []}
              end, St#st.lines),
    St#st{lines = Lines}.

%% -- the controller's requests ---------------------------------------------

actions([], St, Acc) ->
    {lists:reverse(Acc), St};
actions([#'ActionRequest'{contextId = Ctx0, commandRequests = Cmds} | Rest],
        St0, Acc) ->
    {Ctx, St1} = case Ctx0 of
                     ?megaco_choose_context_id ->
                         C = St0#st.next_ctx,
                         {C, St0#st{next_ctx = C + 1}};
                     _ -> {Ctx0, St0}
                 end,
    {Replies, Error, St2} = commands(Ctx, Cmds, St1, []),
    Reply = #'ActionReply'{contextId = Ctx, errorDescriptor = Error,
                           commandReply = Replies},
    actions(Rest, St2, [Reply | Acc]).

commands(_, [], St, Acc) ->
    {lists:reverse(Acc), asn1_NOVALUE, St};
commands(Ctx, [#'CommandRequest'{command = C} | Rest], St, Acc) ->
    case catch request(Ctx, C, St) of
        {ok, Replies, St1} when is_list(Replies) ->
            commands(Ctx, Rest, St1, lists:reverse(Replies, Acc));
        {ok, Reply, St1} ->
            commands(Ctx, Rest, St1, [Reply | Acc]);
        {error, Code, Text} ->
            {lists:reverse(Acc),
             #'ErrorDescriptor'{errorCode = Code, errorText = Text}, St};
        {'EXIT', Why} ->
            out("error crash ~w", [Why]),
            {lists:reverse(Acc),
             #'ErrorDescriptor'{errorCode = 500, errorText = "Internal"}, St}
    end.

request(Ctx, {modReq, #'AmmRequest'{terminationID = [Tid],
                                     descriptors = Ds}}, St) ->
    Name = name(Tid),
    out("cmd modify ~s", [Name]),
    Reply = {modReply, #'AmmsReply'{terminationID = [Tid]}},
    case St#st.lines of
        #{Name := L} ->
            {ok, Reply, put_line(descriptors(Ds, L), St)};
        _ ->
            case maps:get(Ctx, St#st.contexts, #{}) of
                #{Name := _} ->
                    remote(Name, Ds),
                    {ok, Reply, St};
                _ when Name =:= "root" ->
                    {ok, Reply, St};
                _ ->
                    {error, ?megaco_unknown_termination_id,
                     "Unknown TerminationID"}
            end
    end;
request(Ctx, {addReq, #'AmmRequest'{terminationID = [Tid],
                                     descriptors = Ds}}, St) ->
    Name = name(Tid),
    out("cmd add ~s", [Name]),
    Terms = maps:get(Ctx, St#st.contexts, #{}),
    case St#st.lines of
        #{Name := L0} ->
            L = descriptors(Ds, L0#line{context = Ctx}),
            Contexts = maps:put(Ctx, maps:put(Name, line, Terms),
                                St#st.contexts),
            {ok, {addReply, #'AmmsReply'{terminationID = [Tid]}},
             put_line(L, St#st{contexts = Contexts})};
        _ when Name =:= "$", St#st.ports =/= [] ->
            [Port | Ports] = St#st.ports,
            Eph = "rtp/" ++ integer_to_list(St#st.next_eph),
            out("add ~b ~s ~b", [Ctx, Eph, Port]),
            remote(Eph, Ds),
            Contexts = maps:put(Ctx, maps:put(Eph, Port, Terms),
                                St#st.contexts),
            Local = #'LocalRemoteDescriptor'{propGrps = [[
                       #'PropertyParm'{name = "v", value = ["0"]},
                       #'PropertyParm'{name = "c",
                                       value = ["IN IP4 127.0.0.1"]},
                       #'PropertyParm'{name = "m",
                                       value = ["audio " ++
                                                integer_to_list(Port) ++
                                                " RTP/AVP 0"]}]]},
            Media = #'MediaDescriptor'{
                       streams = {multiStream,
                                  [#'StreamDescriptor'{
                                      streamID = 1,
                                      streamParms = #'StreamParms'{
                                                       localDescriptor =
                                                           Local}}]}},
            {ok, {addReply, #'AmmsReply'{terminationID = [tid(Eph)],
                                         terminationAudit =
                                             [{mediaDescriptor, Media}]}},
             St#st{contexts = Contexts, ports = Ports,
                   next_eph = St#st.next_eph + 1}};
        _ when Name =:= "$" ->
            {error, ?megaco_out_of_termination_ids_or_no_termination_id_available,
             "No RTP port left"};
        _ ->
            {error, ?megaco_unknown_termination_id, "Unknown TerminationID"}
    end;
request(Ctx, {subtractReq, #'SubtractRequest'{terminationID = [Tid]}}, St) ->
    Name = name(Tid),
    out("cmd subtract ~s", [Name]),
    Terms = maps:get(Ctx, St#st.contexts, #{}),
    Gone = case Name of
               "*" -> maps:keys(Terms);
               _ -> [T || T <- maps:keys(Terms), T =:= Name]
           end,
    case Gone of
        [] -> {error, ?megaco_terminations_id_not_in_specified_context,
               "Not in the context"};
        _ ->
            St1 = lists:foldl(fun(T, S) -> subtract(Ctx, T, S) end, St, Gone),
            Left = maps:without(Gone, Terms),
            Contexts = case maps:size(Left) of
                           0 -> maps:remove(Ctx, St1#st.contexts);
                           _ -> maps:put(Ctx, Left, St1#st.contexts)
                       end,
            %% One reply per termination a wildcard matched (v1 has one
            %% TerminationID per reply).
            {ok, [{subtractReply, #'AmmsReply'{terminationID = [tid(T)]}}
                  || T <- Gone],
             St1#st{contexts = Contexts}}
    end;
request(_, {auditValueRequest, #'AuditRequest'{terminationID = Tid}}, St) ->
    out("cmd auditvalue ~s", [name(Tid)]),
    {ok, {auditValueReply,
          {auditResult, #'AuditResult'{terminationID = Tid,
                                       terminationAuditResult = []}}}, St};
request(_, {notifyReq, #'NotifyRequest'{terminationID = Tids}}, St) ->
    {ok, {notifyReply, #'NotifyReply'{terminationID = Tids}}, St};
request(_, {serviceChangeReq, #'ServiceChangeRequest'{terminationID = Tids}},
        St) ->
    out("cmd servicechange ~s", [name(hd(Tids))]),
    {ok, {serviceChangeReply,
          #'ServiceChangeReply'{
             terminationID = Tids,
             serviceChangeResult =
                 {serviceChangeResParms, #'ServiceChangeResParm'{}}}}, St};
request(_, {Verb, _}, _) ->
    out("cmd ~s -", [Verb]),
    {error, ?megaco_unsupported_or_unknown_command, "Not implemented"}.

subtract(Ctx, Name, St) ->
    case St#st.lines of
        #{Name := L} ->
            put_line(L#line{context = ?megaco_null_context_id}, St);
        _ ->
            out("subtract ~b ~s", [Ctx, Name]),
            St
    end.

put_line(L, St) ->
    report(L),
    St#st{lines = maps:put(L#line.name, L, St#st.lines)}.

descriptors([], L) ->
    L;
descriptors([{eventsDescriptor, #'EventsDescriptor'{requestID = Rid,
                                                    eventList = Evs}} | Ds],
            L) ->
    Names = [N || #'RequestedEvent'{pkgdName = N} <- Evs],
    Strict = [N || #'RequestedEvent'{pkgdName = N, evParList = Ps} <- Evs,
                   #'EventParameter'{eventParameterName = "strict",
                                     value = ["state"]} <- Ps],
    Maps = [B || #'RequestedEvent'{eventAction = #'RequestedActions'{
                                                   eventDM = {digitMapValue,
                                                              V}}} <- Evs,
                 #'DigitMapValue'{digitMapBody = B} <- [V]],
    Dm = case Maps of [M | _] -> M; [] -> L#line.dm end,
    descriptors(Ds, L#line{rid = Rid, events = Names, strict = Strict,
                           dm = Dm});
descriptors([{signalsDescriptor, Sigs} | Ds], L) ->
    Names = [N || {signal, #'Signal'{signalName = N}} <- Sigs],
    %% What an analog display phone is sent (H.248.23 andisp).
    [out("display ~s ~s ~s", [L#line.name, N, V])
     || {signal, #'Signal'{signalName = "andisp/" ++ _ = N,
                           sigParList = Ps}} <- Sigs,
        #'SigParameter'{sigParameterName = "ddb", value = [V]} <- Ps],
    descriptors(Ds, L#line{signals = Names});
descriptors([{digitMapDescriptor,
              #'DigitMapDescriptor'{digitMapValue =
                                        #'DigitMapValue'{digitMapBody = B}}}
             | Ds], L) ->
    descriptors(Ds, L#line{dm = B});
descriptors([_ | Ds], L) ->
    descriptors(Ds, L).

%% The Remote SDP of a stream, if any: its c= address and m= port.
remote(Term, Ds) ->
    Groups = [G || {mediaDescriptor, #'MediaDescriptor'{streams = S}} <- Ds,
                   #'StreamParms'{remoteDescriptor =
                                      #'LocalRemoteDescriptor'{propGrps =
                                                                   [G | _]}}
                       <- stream_parms(S)],
    case Groups of
        [G | _] ->
            C = [V || #'PropertyParm'{name = "c", value = [V]} <- G],
            M = [V || #'PropertyParm'{name = "m", value = [V]} <- G],
            case {C, M} of
                {[CV | _], [MV | _]} ->
                    Ip = lists:last(string:lexemes(CV, " ")),
                    case catch list_to_integer(
                                 lists:nth(2, string:lexemes(MV, " "))) of
                        Port when is_integer(Port) ->
                            out("remote ~s ~s ~b", [Term, Ip, Port]);
                        _ -> ok
                    end;
                _ -> ok
            end;
        [] -> ok
    end.

stream_parms({oneStream, P}) -> [P];
stream_parms({multiStream, Ss}) ->
    [P || #'StreamDescriptor'{streamParms = P} <- Ss];
stream_parms(_) -> [].

report(#line{name = N, context = C, events = E, signals = S, dm = Dm}) ->
    out("line ~s ~b ~s ~s ~s",
        [N, C, list(E), list(S),
         case Dm of "" -> "-"; _ -> [X || X <- Dm, X > $\s] end]).

list([]) -> "-";
list(Xs) -> lists:join(",", Xs).

tid(Name) ->
    #megaco_term_id{id = string:lexemes(Name, "/")}.

name(#megaco_term_id{id = Id}) ->
    string:lowercase(lists:flatten(lists:join("/", Id)));
name(Other) ->
    lists:flatten(io_lib:format("~w", [Other])).

%% -- megaco_user -------------------------------------------------------------

handle_connect(_CH, _PV) ->
    ok.

handle_disconnect(_CH, _PV, Reason) ->
    out("error disconnect ~w", [Reason]),
    ok.

handle_syntax_error(_RH, _PV, Error) ->
    out("error syntax ~w", [Error]),
    reply.

handle_message_error(_CH, _PV, Error) ->
    out("error message ~w", [Error]),
    no_reply.

handle_trans_request(_CH, _PV, Actions) ->
    Ref = make_ref(),
    ivm_mg ! {request, self(), Ref, Actions},
    receive {Ref, Replies} -> {discard_ack, Replies} end.

handle_trans_long_request(_CH, _PV, _Data) ->
    {discard_ack, []}.

handle_trans_reply(_CH, _PV, {ok, Replies}, _Data) ->
    case [E || #'ActionReply'{errorDescriptor =
                                  #'ErrorDescriptor'{errorCode = E}}
                   <- Replies] of
        [] -> out("reply ok", []);
        [E | _] -> out("reply error ~b", [E])
    end,
    ok;
handle_trans_reply(_CH, _PV, {error, #'ErrorDescriptor'{errorCode = E}},
                   _Data) ->
    out("reply error ~b", [E]),
    ok;
handle_trans_reply(_CH, _PV, {error, Reason}, _Data) ->
    out("reply error ~w", [Reason]),
    ok.

handle_trans_ack(_CH, _PV, _Status, _Data) ->
    ok.

handle_unexpected_trans(_CH, _PV, Trans) ->
    out("error unexpected ~w", [Trans]),
    ok.

handle_trans_request_abort(_CH, _PV, _TransId, _Pid) ->
    ok.

handle_segment_reply(_CH, _PV, _TransId, _SegNo, _Complete) ->
    ok.
