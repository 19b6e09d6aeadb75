//! Where uploaded and generated files live (résumés, data archives):
//! outside the web root, under random names, behind a trait so that
//! S3-compatible storage can be added without touching the features.

use std::{future::Future, io, path::PathBuf, pin::Pin, sync::Arc};

/// The file store every feature shares, as provided at start-up (see
/// [`AppState::settings`](super::AppState::settings)).
#[derive(Clone, Debug)]
pub struct Files(pub Arc<dyn FileStore>);

/// A boxed future, so the trait can be used as `dyn FileStore`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;

/// Stores files under keys it chooses itself.
pub trait FileStore: Send + Sync + std::fmt::Debug {
    /// Stores `bytes` and returns the new file's key.
    fn put(&self, bytes: Vec<u8>) -> StoreFuture<'_, String>;
    /// The file stored under `key`.
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Vec<u8>>;
    /// Deletes the file under `key`; a missing file is not an error.
    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;
}

/// Files in one folder of the local file system.
#[derive(Debug, Clone)]
pub struct LocalStore {
    folder: PathBuf,
}

impl LocalStore {
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
        }
    }

    /// The path of `key`, refusing anything but the names `put` makes.
    fn path(&self, key: &str) -> io::Result<PathBuf> {
        let valid = key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit());
        if valid {
            Ok(self.folder.join(key))
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a file key",
            ))
        }
    }
}

impl FileStore for LocalStore {
    fn put(&self, bytes: Vec<u8>) -> StoreFuture<'_, String> {
        Box::pin(async move {
            tokio::fs::create_dir_all(&self.folder).await?;
            let key = uuid::Uuid::new_v4().simple().to_string();
            let path = self.path(&key)?;
            let temporary = self.folder.join(format!("{key}.part"));
            tokio::fs::write(&temporary, bytes).await?;
            tokio::fs::rename(&temporary, &path).await?;
            Ok(key)
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Vec<u8>> {
        Box::pin(async move { tokio::fs::read(self.path(key)?).await })
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(key)?).await {
                Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_and_keys_cannot_escape_the_folder() -> io::Result<()> {
        let folder = std::env::temp_dir().join(uuid::Uuid::new_v4().to_string());
        let store = LocalStore::new(&folder);
        let key = store.put(b"%PDF-1.4".to_vec()).await?;
        assert_eq!(store.get(&key).await?, b"%PDF-1.4");
        assert!(store.get("../../etc/passwd").await.is_err());
        store.delete(&key).await?;
        store.delete(&key).await?;
        assert!(store.get(&key).await.is_err());
        tokio::fs::remove_dir_all(folder).await
    }
}
