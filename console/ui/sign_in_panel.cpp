// Sign-in: email, password, and the TOTP code when the account has a second factor; while the
// server cannot be reached, the way to the offline on-site list (password only).
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

namespace {

void drawStatus(ConsoleApp& app) {
  if (app.status.empty()) return;
  ImGui::PushTextWrapPos();
  ImGui::TextColored(app.statusIsError ? ui::palette().danger : ui::palette().mutedText, "%s",
                     app.status.c_str());
  ImGui::PopTextWrapPos();
}

void drawSignInForm(ConsoleApp& app, float w) {
  ImGui::PushFont(ui::fonts().title);
  ImGui::TextUnformatted(app.tr("signin.title").c_str());
  ImGui::PopFont();
  ImGui::TextColored(ui::palette().mutedText, "%s", app.tr("signin.subtitle").c_str());
  ImGui::Spacing();
  bool submit = inputField(app, "signin.email", app.tr("signin.email"), w - 170);
  submit |= inputField(app, "signin.password", app.tr("signin.password"), w - 170, true);
  submit |= inputField(app, "signin.totp", app.tr("signin.totp"), 140);
  ImGui::TextColored(ui::palette().mutedText, "%s", app.tr("signin.totp_hint").c_str());
  ImGui::Spacing();
  if (button("signin.submit", app.tr("signin.submit")) || submit) app.signIn();
  drawStatus(app);
  if (app.offline && app.offline->offered() && !app.signingIn) {
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::PushTextWrapPos();
    ImGui::TextColored(ui::palette().warning, "%s", app.tr("signin.unreachable").c_str());
    ImGui::PopTextWrapPos();
    if (button("signin.offline", app.tr("signin.offline"), false)) app.offlinePrompt = true;
  }
}

// The guard at the desk types the password of the guard who last signed in here. No TOTP: the
// console holds no secret to check a code against (decision 0745); nothing goes to the server.
void drawOfflineUnlock(ConsoleApp& app, float w) {
  const auto& p = ui::palette();
  const bool checking = app.offline->checking();
  ImGui::PushFont(ui::fonts().title);
  ImGui::TextUnformatted(app.tr("offline.title").c_str());
  ImGui::PopFont();
  ImGui::PushTextWrapPos();
  ImGui::TextColored(p.mutedText, "%s", app.tr("offline.explain").c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  ImGui::TextUnformatted(app.tr("offline.password").c_str());  // above: long in Russian
  const bool submit = inputField(app, "offline.password", "", w - 40, true);
  ImGui::Spacing();
  if ((button("offline.open", app.tr("offline.open"), true, !checking) || submit) && !checking)
    app.openOffline();
  ImGui::SameLine();
  if (button("offline.back", app.tr("offline.back"), false, !checking)) app.closeOffline();
  ImGui::PushTextWrapPos();
  if (checking) {
    ImGui::TextColored(p.mutedText, "%s", app.tr("offline.checking").c_str());
  } else if (!app.offline->error().empty()) {
    ImGui::TextColored(p.danger, "%s", app.phrase("offline.error.", app.offline->error()).c_str());
  }
  if (app.offline->server() == ServerReach::Reachable)
    ImGui::TextColored(p.success, "%s", app.tr("offline.server_back").c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

void drawSignIn(ConsoleApp& app) {
  const float w = 520;
  ImGui::SetCursorPos(ImVec2((ImGui::GetWindowWidth() - w) / 2, ImGui::GetWindowHeight() * 0.22f));
  ImGui::BeginChild("signin", ImVec2(w, 520), true);
  if (app.offlinePrompt && app.offline) {
    drawOfflineUnlock(app, w);
  } else {
    drawSignInForm(app, w);
  }
  ImGui::EndChild();
}

}  // namespace gatehouse::console::app
