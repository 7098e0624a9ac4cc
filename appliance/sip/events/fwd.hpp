#pragma once

namespace ivm::sip::events {

struct package_config;
struct events_config;
struct notifier_context;
struct subscription_data;
struct sub_event;
struct sub_effects;
struct publication_entry;
struct resource_publications;
struct publish_outcome;

} // namespace ivm::sip::events
