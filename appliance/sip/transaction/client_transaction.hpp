#pragma once

/// Both client transactions (RFC 3261 §17.1) with their events and effects.

#include "appliance/sip/transaction/effects.hpp"
#include "appliance/sip/transaction/events.hpp"
#include "appliance/sip/transaction/invite_client_transaction.hpp"
#include "appliance/sip/transaction/non_invite_client_transaction.hpp"
#include "appliance/sip/transaction/timer.hpp"
