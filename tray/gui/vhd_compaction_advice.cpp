#include "vhd_compaction_advice.hpp"

#include "wx_text.hpp"

#include <wx/intl.h>

namespace nixtray::gui {

wxString vhd_compaction_advice(const std::string& distro) {
  const auto name = to_wx(distro);
  // The distro's name goes into commands: quoted, for names with spaces.
  const auto quoted = "\"" + name + "\"";
  wxString text;
  text << _("After garbage collection the Nix store is smaller, but Windows does not get the space back by "
            "itself: the distro lives in a virtual disk (ext4.vhdx) that grows and does not shrink.")
       << "\n\n"
       << _("1. Stop the distro (in PowerShell or cmd):") << "\n"
       << "   wsl --terminate " << quoted << "\n\n"
       << _("2. With WSL 2.0 or later, make the virtual disk sparse once; from then on it gives freed space back "
            "by itself:")
       << "\n"
       << "   wsl --manage " << quoted << " --set-sparse true\n\n"
       << _("3. Otherwise compact it in PowerShell run as administrator (Optimize-VHD needs Hyper-V):") << "\n"
       << "   $vhd = (Get-ChildItem HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Lxss | Get-ItemProperty |\n"
       << "     Where-Object DistributionName -eq " << quoted << ").BasePath + '\\ext4.vhdx'\n"
       << "   wsl --shutdown\n"
       << "   Optimize-VHD -Path $vhd -Mode Full\n\n"
       << "   " << _("Without Hyper-V, diskpart does the same (run as administrator, after wsl --shutdown):") << "\n"
       << "   select vdisk file=\"<BasePath>\\ext4.vhdx\"\n"
       << "   attach vdisk readonly\n"
       << "   compact vdisk\n"
       << "   detach vdisk\n\n"
       << _("nixtray runs none of these: they need the distro stopped and administrator rights.");
  return text;
}

}  // namespace nixtray::gui
