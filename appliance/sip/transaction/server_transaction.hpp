#pragma once

/// Both server transactions (RFC 3261 §17.2) with their events and effects.

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/invite_server_transaction.hpp"
#include "appliance/sip/transaction/non_invite_server_transaction.hpp"
#include "appliance/sip/transaction/timer.hpp"
