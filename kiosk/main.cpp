// gatehouse-kiosk: the visitor check-in kiosk. Everything lives in kiosk_app.cpp and the libraries.
#include "app/kiosk_app.hpp"

int main(int argc, char** argv) { return gatehouse::kiosk::runKiosk(argc, argv); }
