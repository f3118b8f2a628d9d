// ModelArts workspaces on Huawei Cloud, the native face of the modelarts-provider package.
package modelarts
