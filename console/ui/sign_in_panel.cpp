// Sign-in: email, password, and the TOTP code when the account has a second factor.
#include <imgui.h>

#include "console_app.hpp"
#include "gatehouse/ui/fonts.hpp"
#include "gatehouse/ui/theme.hpp"

namespace gatehouse::console::app {

void drawSignIn(ConsoleApp& app) {
  const float w = 520;
  ImGui::SetCursorPos(ImVec2((ImGui::GetWindowWidth() - w) / 2, ImGui::GetWindowHeight() * 0.22f));
  ImGui::BeginChild("signin", ImVec2(w, 460), true);
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
  if (!app.status.empty()) {
    ImGui::PushTextWrapPos();
    ImGui::TextColored(app.statusIsError ? ui::palette().danger : ui::palette().mutedText, "%s",
                       app.status.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndChild();
}

}  // namespace gatehouse::console::app
