node default {
  include gen::c0
  include gen::c1
  include gen::c2
  include gen::c3
  include gen::c4
  include gen::c5
  include gen::c6
  include gen::c7
  include gen::c8
  include gen::c9
}
