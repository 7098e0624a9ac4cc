#!/usr/bin/env escript
%% Erlang/OTP's megaco text codecs on the 40 messages of its own measurement
%% set (tests/vectors/megaco/otp-time_test), next to bench/megaco_codec_bench:
%% decode (pretty decoder, dynamic version) and encode in the pretty and
%% compact forms, each message ROUNDS times; prints microseconds per message.
%% Usage: otp_codec.escript DIR [ROUNDS]
main([Dir | Rest]) ->
    Rounds = case Rest of [R] -> list_to_integer(R); _ -> 2000 end,
    Files = lists:sort(filelib:wildcard(filename:join(Dir, "*.txt"))),
    Bins = [element(2, file:read_file(F)) || F <- Files],
    Msgs = [begin {ok, M} = megaco_pretty_text_encoder:decode_message([], dynamic, B), M end
            || B <- Bins],
    N = length(Bins),
    %% Every message decodes and encodes back in both forms (or the times
    %% below would measure failures).
    [{ok, _} = megaco_pretty_text_encoder:encode_message([], M) || M <- Msgs],
    [{ok, _} = megaco_compact_text_encoder:encode_message([], M) || M <- Msgs],
    T = fun(Name, F) ->
            {Us, _} = timer:tc(fun() -> loop(Rounds, F) end),
            io:format("otp ~s: ~.3f us/message (~p messages x ~p rounds)~n",
                      [Name, Us / (Rounds * N), N, Rounds])
        end,
    T("decode", fun() -> [megaco_pretty_text_encoder:decode_message([], dynamic, B) || B <- Bins] end),
    T("encode long", fun() -> [megaco_pretty_text_encoder:encode_message([], M) || M <- Msgs] end),
    T("encode compact", fun() -> [megaco_compact_text_encoder:encode_message([], M) || M <- Msgs] end).

loop(0, _) -> ok;
loop(K, F) -> F(), loop(K - 1, F).
