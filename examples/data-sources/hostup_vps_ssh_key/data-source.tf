# Exactly one of id, name, fingerprint or fingerprint_md5 (the forms import accepts).
data "hostup_vps_ssh_key" "workstation" {
  fingerprint = "SHA256:pH7oQ6s32wwGm7li4+dlKHjL13Nso0Kfti3ql2ipKt8"
}

# The same key by the MD5 fingerprint HostUp's control panel shows (bare or after MD5:).
data "hostup_vps_ssh_key" "workstation_by_md5" {
  fingerprint_md5 = "d5:7b:a3:17:65:e5:2f:8e:e6:1e:e1:7c:fa:95:4f:31"
}

output "workstation_key_id" {
  value = data.hostup_vps_ssh_key.workstation.id
}

output "same_key_both_ways" {
  value = data.hostup_vps_ssh_key.workstation.id == data.hostup_vps_ssh_key.workstation_by_md5.id
}
