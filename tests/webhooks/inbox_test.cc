#include <gtest/gtest.h>
#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sanbao/store/sqlite_store.h"
#include "sanbao/store/webhook_inbox.h"
#include "temp_db.h"

namespace sanbao {
inline namespace v1 {
namespace {

using sanbao_test::TempDb;
using std::chrono::seconds;

WebhookEvent MakeEvent(std::string id, std::string source = "test") {
  WebhookEvent event;
  event.source = std::move(source);
  event.event_id = std::move(id);
  event.topic = "ReturnCreated";
  event.occurred_at = Instant(seconds(1'740'000'000));
  event.payload = std::string("<xml>\0binary</xml>", 18);
  event.headers = {{"Content-Type", "text/xml"}, {"SOAPAction", "x"}};
  return event;
}

TEST(WebhookInboxTest, RecordsOnceAndListsInArrivalOrder) {
  TempDb db;
  auto inbox = OpenSqliteWebhookInbox(db.path());
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  auto first = (*inbox)->Record(MakeEvent("a"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(*first);
  auto again = (*inbox)->Record(MakeEvent("a"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  // The same id from another source is another event.
  EXPECT_TRUE(*(*inbox)->Record(MakeEvent("a", "other")));
  EXPECT_TRUE(*(*inbox)->Record(MakeEvent("b")));
  EXPECT_EQ(*(*inbox)->Count(), 3);

  auto listed = (*inbox)->List({.source = "test"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].event.event_id, "a");
  EXPECT_EQ((*listed)[1].event.event_id, "b");
  EXPECT_LT((*listed)[0].seq, (*listed)[1].seq);
  auto const& stored = (*listed)[0].event;
  auto expected = MakeEvent("a");
  EXPECT_EQ(stored.payload, expected.payload);
  EXPECT_EQ(stored.topic, expected.topic);
  EXPECT_EQ(stored.occurred_at, expected.occurred_at);
  ASSERT_EQ(stored.headers.size(), 2u);
  EXPECT_EQ(stored.headers[1].name, "SOAPAction");
  EXPECT_FALSE((*listed)[0].processed_at.has_value());
}

TEST(WebhookInboxTest, MarkProcessedAndFilters) {
  TempDb db;
  auto inbox = *OpenSqliteWebhookInbox(db.path());
  ASSERT_TRUE(*inbox->Record(MakeEvent("a")));
  ASSERT_TRUE(*inbox->Record(MakeEvent("b")));
  auto all = *inbox->List({});
  ASSERT_EQ(all.size(), 2u);
  ASSERT_TRUE(inbox->MarkProcessed(all[0].seq, Instant(seconds(5))).ok());
  auto open = *inbox->List({.unprocessed_only = true});
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].event.event_id, "b");
  auto after = *inbox->List({.after_seq = all[0].seq});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(inbox->MarkProcessed(12345, Instant(seconds(5))).reason(),
            "WEBHOOK_EVENT_NOT_FOUND");
  EXPECT_EQ(inbox->List({.limit = 1})->size(), 1u);
}

TEST(WebhookInboxTest, MarkProcessedSeveralIsAllOrNothing) {
  TempDb db;
  auto inbox = *OpenSqliteWebhookInbox(db.path());
  for (auto id : {"a", "b", "c"}) ASSERT_TRUE(*inbox->Record(MakeEvent(id)));
  auto all = *inbox->List({});
  ASSERT_EQ(all.size(), 3u);
  // An unknown seq among them: nothing is marked.
  std::vector<std::int64_t> some{all[0].seq, 12345, all[2].seq};
  auto refused = inbox->MarkProcessed(some, Instant(seconds(5)));
  EXPECT_EQ(refused.reason(), "WEBHOOK_EVENT_NOT_FOUND");
  EXPECT_NE(refused.message().find("12345"), std::string::npos);
  EXPECT_EQ(inbox->List({.unprocessed_only = true})->size(), 3u);
  // Known ones, one named twice: all marked, in one call.
  std::vector<std::int64_t> known{all[0].seq, all[2].seq, all[0].seq};
  ASSERT_TRUE(inbox->MarkProcessed(known, Instant(seconds(7))).ok());
  auto open = *inbox->List({.unprocessed_only = true});
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].event.event_id, "b");
  auto marked = *inbox->List({});
  EXPECT_EQ(marked[0].processed_at, Instant(seconds(7)));
  EXPECT_EQ(marked[2].processed_at, Instant(seconds(7)));
  EXPECT_TRUE(
      inbox->MarkProcessed(std::vector<std::int64_t>{}, Instant{}).ok());
  // The inbox still records after a refused batch (its transaction ended).
  EXPECT_TRUE(*inbox->Record(MakeEvent("d")));
}

TEST(WebhookInboxTest, SurvivesReopenAndSharesTheStoreFile) {
  TempDb db;
  auto store = OpenSqliteStore({.path = db.path()});
  ASSERT_TRUE(store.ok()) << store.status();
  {
    auto inbox = *OpenSqliteWebhookInbox(db.path());
    ASSERT_TRUE(*inbox->Record(MakeEvent("a")));
  }
  auto inbox = OpenSqliteWebhookInbox(db.path());
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  EXPECT_EQ(*(*inbox)->Count(), 1);
  EXPECT_FALSE(*(*inbox)->Record(MakeEvent("a")));
  // The store still opens over a file that has the inbox table.
  store->reset();
  EXPECT_TRUE(OpenSqliteStore({.path = db.path()}).ok());
}

TEST(WebhookInboxTest, ConcurrentRecordsAreEachStoredExactlyOnce) {
  TempDb db;
  auto inbox = *OpenSqliteWebhookInbox(db.path());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  // Every id is recorded by two threads: exactly one of them sees true.
  std::vector<std::vector<std::pair<std::string, bool>>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = std::to_string((t / 2) * 1000 + i);
        auto r = inbox->Record(MakeEvent(id));
        seen[t].push_back({id, r.ok() && *r});
        if (!r.ok()) ADD_FAILURE() << r.status();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::multiset<std::string> stored;
  for (auto const& list : seen) {
    for (auto const& [id, fresh] : list) {
      if (fresh) stored.insert(id);
    }
  }
  EXPECT_EQ(stored.size(), static_cast<std::size_t>(kThreads / 2 * kPerThread));
  EXPECT_EQ(std::set<std::string>(stored.begin(), stored.end()).size(),
            stored.size());
  EXPECT_EQ(*inbox->Count(), kThreads / 2 * kPerThread);
}

TEST(WebhookInboxTest, RefusesEventsWithoutId) {
  TempDb db;
  auto inbox = *OpenSqliteWebhookInbox(db.path());
  auto r = inbox->Record(MakeEvent(""));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "WEBHOOK_EVENT_ID_MISSING");
}

TEST(WebhookInboxTest, RecordAsyncCallsBackOnceDurable) {
  TempDb db;
  auto inbox = *OpenSqliteWebhookInbox(db.path());
  constexpr int kEvents = 200;
  std::mutex mutex;
  std::condition_variable cv;
  int fresh = 0;
  int duplicates = 0;
  int answered = 0;
  for (int i = 0; i < kEvents; ++i) {
    // Every event twice: the second is a duplicate.
    for (int copy = 0; copy < 2; ++copy) {
      inbox->RecordAsync(MakeEvent(std::to_string(i)), [&](StatusOr<bool> r) {
        std::lock_guard lock(mutex);
        if (!r.ok()) ADD_FAILURE() << r.status();
        (r.ok() && *r ? fresh : duplicates)++;
        ++answered;
        cv.notify_all();
      });
    }
  }
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return answered == 2 * kEvents; });
  EXPECT_EQ(fresh, kEvents);
  EXPECT_EQ(duplicates, kEvents);
  lock.unlock();
  // Visible to another connection: committed.
  auto other = *OpenSqliteWebhookInbox(db.path());
  EXPECT_EQ(*other->Count(), kEvents);
  std::optional<Status> missing;
  inbox->RecordAsync(MakeEvent(""),
                     [&](StatusOr<bool> r) { missing = r.status(); });
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->reason(), "WEBHOOK_EVENT_ID_MISSING");
}

TEST(WebhookInboxTest, AFileThatIsNotADatabaseIsCorrupt) {
  TempDb db;
  {
    std::ofstream out(db.path(), std::ios::binary);
    out << std::string(4096, 'x');
  }
  auto inbox = OpenSqliteWebhookInbox(db.path());
  ASSERT_FALSE(inbox.ok());
  EXPECT_EQ(inbox.status().reason(), "STORE_CORRUPT");
}

std::string ReadAll(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// `webhooks serve` used to open a store from a newer Sanbao and write into
// it, where every other command refused it.
TEST(WebhookInboxTest, AStoreFromANewerSanbaoIsRefusedAndLeftAlone) {
  TempDb db;
  {
    auto store = OpenSqliteStore({.path = db.path()});
    ASSERT_TRUE(store.ok()) << store.status();
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
  std::string insert = "INSERT INTO schema_version VALUES (" +
                       std::to_string(SqliteStoreSchemaVersion() + 1) + ", 0)";
  ASSERT_EQ(sqlite3_exec(raw, insert.c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  std::string before = ReadAll(db.path());
  auto inbox = OpenSqliteWebhookInbox(db.path());
  ASSERT_FALSE(inbox.ok());
  EXPECT_EQ(inbox.status().reason(), "STORE_SCHEMA_TOO_NEW") << inbox.status();
  EXPECT_EQ(inbox.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(inbox.status().error_info().metadata.at("supported_version"),
            std::to_string(SqliteStoreSchemaVersion()));
  EXPECT_TRUE(ReadAll(db.path()) == before);
}

// A page of the store no inbox statement reads (the outbox's): the inbox
// used to open the file and write deliveries into it.
TEST(WebhookInboxTest, ADamagedStoreFileIsRefusedAndLeftAlone) {
  TempDb db;
  {
    auto store = OpenSqliteStore({.path = db.path()});
    ASSERT_TRUE(store.ok()) << store.status();
    auto inbox = OpenSqliteWebhookInbox(db.path());
    ASSERT_TRUE(inbox.ok()) << inbox.status();
    ASSERT_TRUE((*inbox)->Record(MakeEvent("a")).ok());
  }
  std::int64_t page = 0;
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(
                  raw, "SELECT pageno FROM dbstat WHERE name = 'outbox'", -1,
                  &stmt, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    page = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
  }
  std::string bytes = ReadAll(db.path());
  ASSERT_GE(bytes.size(), static_cast<std::size_t>(page) * 4096);
  for (auto i = static_cast<std::size_t>(page - 1) * 4096;
       i < static_cast<std::size_t>(page) * 4096; ++i) {
    bytes[i] = static_cast<char>(0xA5);
  }
  {
    std::ofstream out(db.path(), std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  {
    auto inbox = OpenSqliteWebhookInbox(db.path());
    ASSERT_FALSE(inbox.ok());
    EXPECT_EQ(inbox.status().reason(), "STORE_CORRUPT") << inbox.status();
    EXPECT_EQ(inbox.status().code(), ErrorCode::kDataLoss);
  }
  EXPECT_TRUE(ReadAll(db.path()) == bytes);
  EXPECT_FALSE(std::filesystem::exists(db.path() + "-wal"));
}

TEST(WebhookInboxTest, APathThatIsNotARegularFileIsRefused) {
  TempDb db;
  for (std::string path : {db.dir().string(), std::string("/dev/null")}) {
    auto inbox = OpenSqliteWebhookInbox(path);
    ASSERT_FALSE(inbox.ok());
    EXPECT_EQ(inbox.status().reason(), "STORE_NOT_A_FILE") << inbox.status();
    EXPECT_EQ(inbox.status().code(), ErrorCode::kInvalidArgument);
  }
}

// Source, event id, topic and headers are TEXT columns: the inbox refuses
// bytes that are not UTF-8 there, whoever calls it; the payload is a BLOB.
TEST(WebhookInboxTest, TextThatIsNotUtf8IsRefused) {
  TempDb db;
  auto inbox = OpenSqliteWebhookInbox(db.path());
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  auto bad_id = MakeEvent("a\xff");
  auto bad_topic = MakeEvent("b");
  bad_topic.topic =
      "Return\xc0\xaf"
      "Created";
  auto bad_header = MakeEvent("c");
  bad_header.headers.push_back({"X-Note", "caf\xe9"});
  for (auto const& event : {bad_id, bad_topic, bad_header}) {
    EXPECT_EQ((*inbox)->Record(event).status().reason(), "WEBHOOK_MALFORMED");
    std::optional<Status> async;
    (*inbox)->RecordAsync(event, [&](StatusOr<bool> r) { async = r.status(); });
    ASSERT_TRUE(async.has_value());
    EXPECT_EQ(async->reason(), "WEBHOOK_MALFORMED");
  }
  EXPECT_EQ(*(*inbox)->Count(), 0);
  auto binary = MakeEvent("d");
  binary.payload = std::string("\xff\xfe\0\x80", 4);
  ASSERT_TRUE((*inbox)->Record(binary).ok());
  auto listed = (*inbox)->List({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].event.payload, binary.payload);
}

// Whoever calls the inbox, no credential's value reaches the file.
TEST(WebhookInboxTest, CredentialHeadersAreStoredRedacted) {
  TempDb db;
  {
    auto inbox = OpenSqliteWebhookInbox(db.path());
    ASSERT_TRUE(inbox.ok()) << inbox.status();
    auto event = MakeEvent("a");
    event.headers.push_back({"X-Api-Key", "sk_live_0123456789"});
    event.headers.push_back({"Authorization", "Bearer secret-user-token"});
    event.headers.push_back({"Connection", "keep-alive"});
    ASSERT_TRUE((*inbox)->Record(event).ok());
    auto listed = (*inbox)->List({});
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed->size(), 1u);
    auto const& stored = (*listed)[0].event.headers;
    EXPECT_EQ(FindHeader(stored, "x-api-key"), kRedactedHeaderValue);
    EXPECT_EQ(FindHeader(stored, "authorization"), kRedactedHeaderValue);
    EXPECT_EQ(FindHeader(stored, "soapaction"), "x");
    EXPECT_FALSE(FindHeader(stored, "connection").has_value());
  }
  std::string file = ReadAll(db.path());
  EXPECT_EQ(file.find("sk_live_0123456789"), std::string::npos);
  EXPECT_EQ(file.find("secret-user-token"), std::string::npos);
}

TEST(WebhookInboxTest, AMissingDirectoryCannotBeOpened) {
  TempDb db;
  auto inbox = OpenSqliteWebhookInbox((db.dir() / "no/such/dir.db").string());
  ASSERT_FALSE(inbox.ok());
  EXPECT_EQ(inbox.status().reason(), "STORE_CANNOT_OPEN");
}

}  // namespace
}  // namespace v1
}  // namespace sanbao
