#pragma once

namespace ivm::presence {

// -- PIDF / RPID / data model -------------------------------------------------

enum class basic_status;
struct presence_tuple;
struct presence_person;
struct presence_doc;

// -- composition --------------------------------------------------------------

enum class user_status;
struct presence_inputs;

// -- watcherinfo and dialog-info ----------------------------------------------

enum class watcher_status;
enum class watcher_event;
struct watcher;
struct watcher_list;
enum class dialog_direction;
enum class dialog_state;
struct dialog;

// -- text commands ------------------------------------------------------------

struct set_status_command;
struct sign_in_command;
struct sign_out_command;
struct accept_command;
struct decline_command;
struct help_command;
struct unknown_command;

} // namespace ivm::presence
