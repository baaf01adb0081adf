// Child process for the outbox power-cut test: adds two-event batches to a real kiosk Outbox in a
// loop, acknowledging each committed batch in a side file. A shim VFS can end the process at the
// Nth file write or sync, so a test can stop the outbox at any point of a write; the parent also
// SIGKILLs it at random moments. Modes at the crash: 0 stop, 1 torn (half of that write lands),
// 2 power cut (torn, and every write not yet synced is undone, as the disk cache would lose it).
//   outbox_writer OUTBOX ACK_FILE CRASH_AT_OP MODE SEED
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gatehouse/kiosk/outbox.hpp"
#include "outbox_pattern.hpp"

namespace {

sqlite3_vfs* realVfs = nullptr;
long crashAt = 0;  // 0: never
int mode = 0;
long ops = 0;

struct ShimFile {
  sqlite3_file base;
  sqlite3_file* real;  // allocated right after this struct
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f)->real; }

// What a power cut takes back: per file, the bytes each unsynced write replaced and the size at
// the last sync.
struct Undo {
  sqlite3_int64 offset;
  std::vector<char> old;
};
struct Unsynced {
  sqlite3_int64 syncedSize = -1;
  std::vector<Undo> undo;
};
std::map<sqlite3_file*, Unsynced> unsynced;

void rememberBeforeWrite(sqlite3_file* f, int n, sqlite3_int64 off) {
  auto& u = unsynced[f];
  sqlite3_int64 size = 0;
  real(f)->pMethods->xFileSize(real(f), &size);
  if (u.syncedSize < 0) u.syncedSize = size;
  Undo undo{off, std::vector<char>(static_cast<std::size_t>(n))};
  if (off < size) {
    real(f)->pMethods->xRead(real(f), undo.old.data(), n, off);  // short reads are zero-filled
    undo.old.resize(static_cast<std::size_t>(std::min<sqlite3_int64>(n, size - off)));
  } else {
    undo.old.clear();
  }
  u.undo.push_back(std::move(undo));
}

[[noreturn]] void powerCut() {
  if (mode == 2) {
    for (auto& [f, u] : unsynced) {
      for (auto it = u.undo.rbegin(); it != u.undo.rend(); ++it)
        if (!it->old.empty())
          real(f)->pMethods->xWrite(real(f), it->old.data(), static_cast<int>(it->old.size()),
                                    it->offset);
      if (u.syncedSize >= 0) real(f)->pMethods->xTruncate(real(f), u.syncedSize);
    }
  }
  _exit(77);
}

// Counts an I/O operation; at the chosen one the process ends as if the power went.
bool lastOp() { return crashAt > 0 && ++ops >= crashAt; }

int shimClose(sqlite3_file* f) {
  unsynced.erase(f);
  return real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
}
int shimRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
int shimWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (mode == 2) rememberBeforeWrite(f, n, off);
  if (lastOp()) {
    if (mode >= 1) real(f)->pMethods->xWrite(real(f), buf, n / 2, off);
    if (mode == 2) unsynced[f].undo.pop_back();  // the torn half reached the platter
    powerCut();
  }
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int shimTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (lastOp()) powerCut();
  return real(f)->pMethods->xTruncate(real(f), size);
}
int shimSync(sqlite3_file* f, int flags) {
  if (lastOp()) powerCut();
  const int rc = real(f)->pMethods->xSync(real(f), flags);
  if (rc == SQLITE_OK) unsynced.erase(f);
  return rc;
}
int shimFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int shimLock(sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); }
int shimUnlock(sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
int shimCheckReserved(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int shimFileControl(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int shimSectorSize(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int shimDeviceCharacteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int shimShmMap(sqlite3_file* f, int pg, int sz, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), pg, sz, extend, out);
}
int shimShmLock(sqlite3_file* f, int off, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), off, n, flags);
}
void shimShmBarrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int shimShmUnmap(sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); }

const sqlite3_io_methods shimMethods = {2,
                                        shimClose,
                                        shimRead,
                                        shimWrite,
                                        shimTruncate,
                                        shimSync,
                                        shimFileSize,
                                        shimLock,
                                        shimUnlock,
                                        shimCheckReserved,
                                        shimFileControl,
                                        shimSectorSize,
                                        shimDeviceCharacteristics,
                                        shimShmMap,
                                        shimShmLock,
                                        shimShmBarrier,
                                        shimShmUnmap,
                                        nullptr,
                                        nullptr};

int shimOpen(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* outFlags) {
  auto* shim = reinterpret_cast<ShimFile*>(f);
  shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
  const int rc = realVfs->xOpen(realVfs, name, shim->real, flags, outFlags);
  shim->base.pMethods = rc == SQLITE_OK ? &shimMethods : nullptr;
  return rc;
}

sqlite3_vfs shimVfs;

void installShim() {
  realVfs = sqlite3_vfs_find(nullptr);
  shimVfs = *realVfs;
  shimVfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + realVfs->szOsFile;
  shimVfs.zName = "powercut";
  shimVfs.xOpen = shimOpen;
  sqlite3_vfs_register(&shimVfs, 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) return 2;
  crashAt = std::atol(argv[3]);
  mode = std::atoi(argv[4]);
  std::mt19937_64 rng(std::strtoull(argv[5], nullptr, 10));
  installShim();
  auto box = gatehouse::kiosk::Outbox::open(argv[1]);
  if (!box) return 3;
  const int ack = ::open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
  for (int i = 0; i < 2000; ++i) {
    const std::string batch = gatehouse::Uuid::random().toString();
    std::vector<gatehouse::kiosk::OutboxEvent> events(2);
    for (int part = 0; part < 2; ++part) {
      auto& e = events[static_cast<std::size_t>(part)];
      e.id = gatehouse::Uuid::random();
      e.visit = *gatehouse::Uuid::parse(batch);
      e.kind = part == 0 ? "check_out" : "evidence";
      e.payload = gatehouse::faults::payloadFor(batch, part);
      e.blob = gatehouse::faults::blobFor(e.id.toString());
    }
    if (!box.value()->add(events)) return 4;
    const std::string line = batch + "\n";
    if (::write(ack, line.data(), line.size()) < 0) return 5;
    ::fdatasync(ack);
    if (rng() % 3 == 0) (void)box.value()->markSent(events[0].id, "recorded");
  }
  return 0;
}
