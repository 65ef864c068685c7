# Exactly one of id, name or fingerprint.
data "hostup_vps_ssh_key" "laptop" {
  fingerprint = "SHA256:pH7oQ6s32wwGm7li4+dlKHjL13Nso0Kfti3ql2ipKt8"
}

output "laptop_key_id" {
  value = data.hostup_vps_ssh_key.laptop.id
}
