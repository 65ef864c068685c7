# Exactly one of id, name or fingerprint.
data "hostup_vps_ssh_key" "laptop" {
  fingerprint = "SHA256:g+MLfmZ0SAqCtL/iy9B2sbhwrRlz6dr8+1rgUzmWPhI"
}

output "laptop_key_id" {
  value = data.hostup_vps_ssh_key.laptop.id
}
