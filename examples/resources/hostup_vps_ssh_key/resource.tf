resource "hostup_vps_ssh_key" "deploy" {
  name       = "ci-deploy"
  public_key = file("${path.module}/keys/deploy.pub")
}

output "deploy_key_fingerprint" {
  value = hostup_vps_ssh_key.deploy.fingerprint
}

# The form HostUp's control panel shows (ssh-keygen -l -E md5).
output "deploy_key_fingerprint_md5" {
  value = hostup_vps_ssh_key.deploy.fingerprint_md5
}
