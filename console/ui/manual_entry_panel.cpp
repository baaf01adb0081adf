// Manual entry for a visitor who cannot use a kiosk, with a photo from the console's camera when
// one is configured ([camera] in console.toml).
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawManualEntry(ConsoleApp& app) {
  ImGui::PushFont(ui::fonts().large);
  ImGui::TextUnformatted(app.tr("manual.title").c_str());
  ImGui::PopFont();
  ImGui::TextColored(ui::palette().mutedText, "%s", app.tr("manual.hint").c_str());
  inputField(app, "manual.name", app.tr("manual.name"), 360);
  inputField(app, "manual.phone", app.tr("manual.phone"), 220);
  inputField(app, "manual.unit", app.tr("manual.unit"), 120);
  inputField(app, "manual.purpose", app.tr("manual.purpose"), 360);
  inputField(app, "manual.reason", app.tr("manual.reason"), 360);
  bool haveCamera = false;
#ifdef GATEHOUSE_CONSOLE_CAMERA
  if (app.camera) {
    haveCamera = true;
    app.camera->drawPreview(ImVec2(320, 240));
    ImGui::TextColored(ui::palette().mutedText, "%s",
                       app.trf("manual.camera", {{"camera", app.camera->describe()}}).c_str());
  }
#endif
  if (!haveCamera) {
    ImGui::TextColored(
        app.cameraError.empty() ? ui::palette().mutedText : ui::palette().warning, "%s",
        (app.tr("manual.no_camera") + (app.cameraError.empty() ? "" : " (" + app.cameraError + ")"))
            .c_str());
  }
  std::int64_t unitId = 0;
  for (const auto& u : app.units) {
    if (u.label == app.field("manual.unit")) unitId = u.id;
  }
  const bool ready = app.live && unitId && !app.field("manual.name").empty() &&
                     !app.field("manual.reason").empty();
  if (button("manual.submit", app.tr("manual.submit"), true, ready)) {
    Photo photo;
#ifdef GATEHOUSE_CONSOLE_CAMERA
    if (app.camera) {
      if (auto p = app.camera->snapshot()) photo = std::move(*p);
    }
#endif
    const std::string name = app.field("manual.name"), phone = app.field("manual.phone"),
                      purpose = app.field("manual.purpose"), reason = app.field("manual.reason");
    const Uuid visit = Uuid::random();  // the idempotency key: a retry cannot enter twice
    app.act(
        [=](ConsoleBackend& b) {
          b.manualEntry(visit, unitId, name, phone, purpose, reason, photo);
        },
        {Resource::OnSite},
        [&app, name] {
          app.setStatus(app.trf("manual.done", {{"name", name}}));
          for (const char* f :
               {"manual.name", "manual.phone", "manual.unit", "manual.purpose", "manual.reason"})
            app.field(f).clear();
        });
  }
  if (!unitId && !app.field("manual.unit").empty())
    ImGui::TextColored(ui::palette().warning, "%s", app.tr("manual.unknown_unit").c_str());
}

}  // namespace gatehouse::console::app
