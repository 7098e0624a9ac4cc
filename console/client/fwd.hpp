#pragma once

// Forward declarations of the admin API client library.

namespace ivm::admin {

struct api_error;
struct endpoint;
struct group;
struct group_update;
struct http_request;
struct http_response;
struct new_group;
struct new_user;
struct user;
struct user_update;

class client;

} // namespace ivm::admin
