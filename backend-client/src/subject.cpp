// Subject access and erasure: find a person's visits, write them to a tar, or anonymise them.
#include "gatehouse/backend/subject.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gatehouse/core/document_hash.hpp"

namespace gatehouse::backend {

namespace {

std::string uuidArray(const std::vector<Uuid>& ids) {
  std::string s = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + ids[i].toString();
  return s + "}";
}

// One visit with everything attached to it, as JSON built by the database.
constexpr const char* kVisitRecordSql = R"sql(
SELECT jsonb_build_object(
  'visit', to_jsonb(v) - 'exit_token_hash',
  'visitor', to_jsonb(vr),
  'unit', u.label,
  'kiosk', k.name,
  'evidence', coalesce((SELECT jsonb_agg(to_jsonb(e) - 'data' ORDER BY e.seq)
                          FROM gh.evidence e WHERE e.visit_id = v.id), '[]'),
  'alerts', coalesce((SELECT jsonb_agg(to_jsonb(a) ORDER BY a.id) FROM gh.alert a
                       WHERE a.visit_id = v.id), '[]'),
  'legal_holds', coalesce((SELECT jsonb_agg(to_jsonb(h) ORDER BY h.id) FROM gh.legal_hold h
                            WHERE h.visit_id = v.id), '[]'),
  'audit', coalesce((SELECT jsonb_agg(to_jsonb(l) ORDER BY l.id) FROM gh.audit_log l
                      WHERE l.subject = v.id::text), '[]'))::text AS doc
  FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id JOIN gh.unit u ON u.id = v.unit_id
  LEFT JOIN gh.kiosk k ON k.id = v.kiosk_id
 WHERE v.id = ANY ($1::uuid[]) ORDER BY v.requested_at)sql";

class TarWriter {
 public:
  explicit TarWriter(const std::string& path) : a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_);
    if (archive_write_open_filename(a_, path.c_str()) != ARCHIVE_OK)
      throw Error(ErrorKind::InvalidInput,
                  "cannot write " + path + ": " + archive_error_string(a_));
  }
  ~TarWriter() { archive_write_free(a_); }
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;
  void add(const std::string& name, const void* data, std::size_t size) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0600);
    const bool ok = archive_write_header(a_, e) == ARCHIVE_OK &&
                    archive_write_data(a_, data, size) == static_cast<la_ssize_t>(size);
    archive_entry_free(e);
    if (!ok) throw Error(ErrorKind::Internal, std::string("tar: ") + archive_error_string(a_));
  }
  void close() {
    if (archive_write_close(a_) != ARCHIVE_OK)
      throw Error(ErrorKind::Internal, std::string("tar: ") + archive_error_string(a_));
  }

 private:
  archive* a_;
};

std::string extensionFor(const std::string& contentType) {
  if (contentType == "image/png") return ".png";
  if (contentType == "image/jpeg") return ".jpg";
  return ".bin";
}

}  // namespace

std::string SubjectQuery::describe() const {
  std::string s;
  if (!name.empty()) s += "name";
  if (!phone.empty()) s += std::string(s.empty() ? "" : "+") + "phone";
  if (!documentNumber.empty()) s += std::string(s.empty() ? "" : "+") + "document";
  return s;
}

std::vector<Uuid> findSubjectVisits(Connection& c, const SubjectQuery& q) {
  if (q.name.empty() && q.phone.empty() && q.documentNumber.empty())
    throw Error(ErrorKind::InvalidInput, "give --name, --phone or --document", "", "subject_query");
  if (!q.documentNumber.empty() && q.documentPepper.empty())
    throw Error(ErrorKind::InvalidInput,
                "a search by document number needs the estate's pepper (--pepper-file)", "",
                "document_pepper");
  auto rows = c.exec(
      "SELECT v.id FROM gh.visit v JOIN gh.visitor vr ON vr.id = v.visitor_id "
      "WHERE v.estate_id = $1 AND ("
      "  ($2 <> '' AND gh.name_key(vr.full_name) = gh.name_key($2))"
      "  OR ($3 <> '' AND regexp_replace(coalesce(vr.phone, ''), '\\D', '', 'g') = "
      "                   regexp_replace($3, '\\D', '', 'g'))"
      "  OR ($4 <> '' AND vr.document_hash = $4)) ORDER BY v.requested_at",
      {q.estateId, q.name, q.phone,
       q.documentNumber.empty() ? "" : documentHash(q.documentPepper, q.documentNumber)});
  std::vector<Uuid> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(rows[i].uuid("id"));
  return out;
}

SubjectExport exportSubject(Connection& c, const SubjectQuery& q, const std::string& tarPath) {
  if (std::filesystem::exists(tarPath))
    throw Error(ErrorKind::Conflict, tarPath + " exists already; not overwritten", "", "exists");
  const auto visits = findSubjectVisits(c, q);
  const auto ids = uuidArray(visits);
  nlohmann::json doc = {{"estate", q.estateId}, {"matched_by", q.describe()}, {"visits", {}}};
  const auto records = c.exec(kVisitRecordSql, {ids});
  for (std::size_t i = 0; i < records.size(); ++i)
    doc["visits"].push_back(nlohmann::json::parse(records[i].text("doc")));
  SubjectExport out{static_cast<int>(visits.size()), 0};
  TarWriter tar(tarPath);
  const auto text = doc.dump(2) + "\n";
  tar.add("subject.json", text.data(), text.size());
  const auto photos = c.exec(
      "SELECT id, content_type, data FROM gh.evidence "
      "WHERE visit_id = ANY ($1::uuid[]) AND data IS NOT NULL ORDER BY seq",
      {ids});
  for (std::size_t i = 0; i < photos.size(); ++i) {
    const auto r = photos[i];
    const auto bytes = r.bytes("data");
    tar.add("photos/" + r.text("id") + extensionFor(r.text("content_type")), bytes.data(),
            bytes.size());
    ++out.photos;
  }
  tar.close();
  c.exec("SELECT gh.audit($1, 'subject.export', NULL, $2::jsonb)",
         {q.estateId,
          nlohmann::json(
              {{"matched_by", q.describe()}, {"visits", out.visits}, {"photos", out.photos}})
              .dump()});
  return out;
}

SubjectErasure eraseSubject(Connection& c, const SubjectQuery& q) {
  const auto visits = findSubjectVisits(c, q);
  if (visits.empty()) return {};
  auto r = c.exec("SELECT gh.subject_erase($1, $2::uuid[], $3)::text AS r",
                  {q.estateId, uuidArray(visits), q.describe()});
  const auto j = nlohmann::json::parse(r[0].text("r"));
  return {j.value("visits", 0), j.value("photos", 0), j.value("alert_photos", 0)};
}

}  // namespace gatehouse::backend
