// Child process of crash_test: durable writes through the storage actor from
// several concurrent writers; prints "ack WRITER SEQ" for each acknowledged
// write, then issues the next. Runs until killed (or a bound is reached).

#include <cstdio>
#include <mutex>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/storage/storage_actor.hpp"

using namespace ivm;

namespace {

std::mutex out_mtx;

void write_next(caf::event_based_actor* self, actors::storage_actor db,
                int writer, int seq) {
  if (seq >= 200000)
    return;
  storage::write_batch b;
  auto key = "w" + std::to_string(writer) + "-" + std::to_string(seq);
  b.put(storage::family::messages, key, std::string(100, 'x') + key);
  self->request(db, caf::infinite, caf::put_atom::value, b)
      .then([=](caf::ok_atom) {
        {
          std::lock_guard<std::mutex> guard{out_mtx};
          std::printf("ack %d %d\n", writer, seq);
          std::fflush(stdout);
        }
        write_next(self, db, writer, seq + 1);
      });
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_child DIR WRITERS\n");
    return 2;
  }
  auto db = storage::open_rocksdb(argv[1]);
  if (!db) {
    std::fprintf(stderr, "open: %s\n", db.error().message.c_str());
    return 1;
  }
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto storage = actors::spawn_storage(
      sys, std::shared_ptr<storage::store>(std::move(*db)));
  int writers = std::stoi(argv[2]);
  for (int w = 0; w < writers; ++w)
    sys.spawn(
        [=](caf::event_based_actor* self) { write_next(self, storage, w, 0); });
  std::printf("ready\n");
  std::fflush(stdout);
  return 0; // the actor system's destructor waits for the writers
}
